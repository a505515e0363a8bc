using System.CommandLine;
using System.Text.Json;
using DistillGuard.Cli.Scanning;
using DistillGuard.Core.Findings;
using DistillGuard.Simulation.Evaluation;

namespace DistillGuard.Cli.Commands;

/// <summary><c>distillguard eval --labels FILE --findings FILE [--traffic FILE] [--out DIR] [--check]</c>.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var labels = new Option<string>("--labels") { Description = "labels.jsonl from simulate", Required = true };
        var findings = new Option<string>("--findings") { Description = "findings.json from scan", Required = true };
        var traffic = new Option<string?>("--traffic") { Description = "The scanned traffic (detection delay and heavy-user FPR)" };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder for scorecard.md and scorecard.json (default: the findings' folder)" };
        var check = new Option<bool>("--check") { Description = "Exit with code 1 when a threshold is not met" };
        var minRecall = new Option<double>("--min-recall") { Description = "Required account recall at attack", DefaultValueFactory = _ => 0.95 };
        var maxFpr = new Option<double>("--max-fpr") { Description = "Largest benign false-positive rate at attack", DefaultValueFactory = _ => 0.005 };
        var title = new Option<string?>("--title") { Description = "Heading of scorecard.md" };
        var command = new Command("eval", "Score findings against labels: precision, recall, FPR, campaign recall and purity, detection delay")
        {
            labels, findings, traffic, outDir, check, minRecall, maxFpr, title,
        };
        command.SetAction(result =>
        {
            List<LabelRecord> truth;
            FindingsDocument doc;
            TrafficCounts? counts = null;
            string findingsPath = result.GetValue(findings)!;
            try
            {
                truth = LabelRecord.Read(result.GetValue(labels)!);
                doc = FindingsJson.Read(findingsPath);
                if (result.GetValue(traffic) is { } t)
                    counts = TrafficCounts.Read(t, truth.Where(l => l.IsAttack).Select(l => l.AccountId).ToHashSet(StringComparer.Ordinal));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            var card = ScorecardBuilder.Build(truth, doc, counts,
                new ScorecardInputs { Labels = result.GetValue(labels)!, Findings = findingsPath, Traffic = result.GetValue(traffic) },
                new ScorecardThresholds(result.GetValue(minRecall), result.GetValue(maxFpr)));
            var markdown = ScorecardMarkdown.Render(card, result.GetValue(title));
            var dir = result.GetValue(outDir) ?? Path.GetDirectoryName(Path.GetFullPath(findingsPath))!;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "scorecard.md"), markdown);
            File.WriteAllText(Path.Combine(dir, "scorecard.json"), JsonSerializer.Serialize(card, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine(markdown);
            Console.WriteLine($"Wrote {Path.Combine(dir, "scorecard.md")} and scorecard.json");
            return result.GetValue(check) && !card.Checks.Passed ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        return command;
    }
}
