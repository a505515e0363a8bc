using System.CommandLine;
using DistillGuard.Cli.Scanning;
using DistillGuard.Simulation.Corpora;
using DistillGuard.Simulation.Generation;
using DistillGuard.Simulation.Scenarios;
using Spectre.Console;

namespace DistillGuard.Cli.Commands;

/// <summary><c>distillguard simulate --scenario FILE|NAME --out DIR [--seed N] [--scale X] [--corpora DIR]</c>.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario", "-s") { Description = "Scenario file, or the name of a built-in scenario (small, large, sample)", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder for traffic.jsonl.gz, accounts.jsonl, labels.jsonl", Required = true };
        var seed = new Option<int?>("--seed") { Description = "Random seed (default: the scenario's)" };
        var scale = new Option<double>("--scale") { Description = "Multiply account counts and campaign totals", DefaultValueFactory = _ => 1.0 };
        var corpora = new Option<string?>("--corpora") { Description = "Corpora folder (default: $DISTILLGUARD_CORPORA or ../shared/data/corpora)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output" };
        var command = new Command("simulate", "Generate labelled LLM API traffic from an adversary-emulation scenario")
        {
            scenario, outDir, seed, scale, corpora, quiet,
        };
        command.SetAction(result =>
        {
            Scenario s;
            Dictionary<string, ContentPool> pools;
            try
            {
                s = ScenarioLoader.Load(result.GetValue(scenario)!);
                pools = CorpusLoader.Load(s, CorporaLocator.Locate(result.GetValue(corpora)));
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            double x = result.GetValue(scale);
            if (x <= 0)
            {
                Console.Error.WriteLine("error: --scale: a positive number");
                return ExitCodes.Usage;
            }
            var generator = new TrafficGenerator(s, pools, result.GetValue(seed) ?? s.Seed, x);
            string dir = result.GetValue(outDir)!;
            GenerationResult run;
            bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && !result.GetValue(quiet);
            if (interactive)
            {
                GenerationResult? r = null;
                AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask($"simulating {s.Name}", maxValue: Math.Max(1, generator.EstimatedExchanges));
                    r = generator.Run(dir, n => task.Value = Math.Min(task.MaxValue, n));
                });
                run = r!;
            }
            else
            {
                var last = DateTime.UtcNow;
                run = generator.Run(dir, n =>
                {
                    if (result.GetValue(quiet) || (DateTime.UtcNow - last).TotalSeconds < 5) return;
                    last = DateTime.UtcNow;
                    Console.Error.WriteLine($"progress: {n:N0} of ~{generator.EstimatedExchanges:N0} exchanges");
                });
            }
            Console.WriteLine($"Scenario {s.Name}: {run.Exchanges:N0} exchanges from {run.Accounts:N0} accounts in {run.Elapsed.TotalSeconds:F1} s");
            foreach (var (persona, n) in run.PerPersona) Console.WriteLine($"  {persona,-20} {n,10:N0}");
            Console.WriteLine($"Wrote {run.TrafficPath}, {run.AccountsPath}, {run.LabelsPath}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
