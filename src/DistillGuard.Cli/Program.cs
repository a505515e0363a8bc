using System.CommandLine;
using DistillGuard.Cli.Commands;
using DistillGuard.Cli.Scanning;

namespace DistillGuard.Cli;

/// <summary>Entry point of the <c>distillguard</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    /// <returns>0 ok; 1 a check failed; 2 usage error or unreadable input; 3 attack found with <c>--fail-on attack</c>.</returns>
    public static async Task<int> Main(string[] args)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"error: {e.Message}");
            // The command that failed to parse (e.g. "scan"), so the hint points at its own options.
            string command = parse.CommandResult.Command == root ? "" : parse.CommandResult.Command.Name + " ";
            Console.Error.WriteLine($"Run 'distillguard {command}--help' for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync();
    }

    internal static RootCommand BuildRoot() => new("DistillGuard: detect, attribute and mitigate distillation attacks on LLM APIs")
    {
        ScanCommand.Create(),
        SimulateCommand.Create(),
        EvalCommand.Create(),
        ExportCommand.Create(),
        ServeCommand.Create(),
        DemoUpstreamCommand.Create(),
        ReferenceCommand.Create(),
        SiloCommand.Create(),
    };
}
