using System.CommandLine;
using DistillGuard.Cli.Scanning;
using DistillGuard.Gateway.Demo;

namespace DistillGuard.Cli.Commands;

/// <summary><c>distillguard demo-upstream [--listen URL]</c>: a stand-in provider API for trying the gateway.</summary>
internal static class DemoUpstreamCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Address to listen on", DefaultValueFactory = _ => "http://127.0.0.1:9000" };
        var command = new Command("demo-upstream", "Run a stand-in provider API (OpenAI and Anthropic shapes, with reasoning) for trying the gateway without a provider key") { listen };
        command.SetAction(async (result, cancel) =>
        {
            await using var upstream = await DemoUpstream.StartAsync(result.GetValue(listen)!);
            Console.Error.WriteLine($"demo upstream on {upstream.Url}: POST /v1/chat/completions, POST /v1/messages, GET /v1/models (Ctrl+C to stop)");
            await upstream.WaitForShutdownAsync(cancel);
            return ExitCodes.Ok;
        });
        return command;
    }
}
