using System.CommandLine;
using DistillGuard.Cli.Scanning;
using DistillGuard.Gateway;
using DistillGuard.Gateway.Configuration;
using Microsoft.Extensions.Hosting;

namespace DistillGuard.Cli.Commands;

/// <summary><c>distillguard serve [--config FILE] [--upstream URL] [--listen URL] [--data DIR] [--key-map FILE] [--dry-run] [--cluster [--redis CONN | --postgres CONN] [--cluster-id ID] [--detector NAME]]</c>.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "JSON file with a \"Gateway\" section (see docs/gateway.md); DISTILLGUARD_Gateway__* environment variables override it" };
        var upstream = new Option<string?>("--upstream") { Description = "Provider API to forward to, e.g. https://api.openai.com" };
        var listen = new Option<string?>("--listen") { Description = "Address to listen on (default http://127.0.0.1:8080)" };
        var data = new Option<string?>("--data") { Description = "Data folder: exchange log, state database, audit log" };
        var keyMap = new Option<string?>("--key-map") { Description = "API key → account map (JSON Lines: key or key_sha256, account_id, org_id)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Record what the policy would do, enforce nothing" };
        var onCluster = new Option<bool>("--cluster") { Description = "Share one detector on an Orleans cluster of 'distillguard silo' processes with every other gateway node (docs/cluster.md)" };
        var detector = new Option<string?>("--detector") { Description = "Name of the shared cluster detector (default: gateway)" };
        var cluster = new ClusterOptions(client: true);
        var command = new Command("serve", "Run the gateway: an OpenAI- and Anthropic-compatible reverse proxy that detects distillation live and enforces the policy")
        {
            config, upstream, listen, data, keyMap, dryRun, onCluster, detector,
        };
        cluster.AddTo(command);
        command.SetAction(async (result, cancel) =>
        {
            GatewayOptions options;
            try
            {
                options = GatewayApp.LoadOptions(result.GetValue(config));
            }
            catch (GatewayConfigurationException e)
            {
                foreach (var p in e.Problems) Console.Error.WriteLine($"error: {p}");
                return ExitCodes.Usage;
            }
            if (result.GetValue(upstream) is { } u) options.Upstream = u;
            if (result.GetValue(listen) is { } l) options.Listen = l;
            if (result.GetValue(data) is { } d) options.DataDirectory = d;
            if (result.GetValue(keyMap) is { } k) options.Identity.KeyMapFile = k;
            if (result.GetValue(dryRun)) options.Policy.DryRun = true;
            if (result.GetValue(onCluster)) cluster.ApplyTo(result, options.Cluster);
            if (result.GetValue(detector) is { } name) options.Cluster.Detector = name;
            try
            {
                await using var app = GatewayApp.Build(options);
                await app.StartAsync(cancel);
                Console.Error.WriteLine($"distillguard gateway listening on {options.Listen}, forwarding to {options.Upstream} (Ctrl+C to stop)");
                await app.WaitForShutdownAsync(cancel);
                return ExitCodes.Ok;
            }
            catch (GatewayConfigurationException e)
            {
                foreach (var p in e.Problems) Console.Error.WriteLine($"error: {p}");
                return ExitCodes.Usage;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
