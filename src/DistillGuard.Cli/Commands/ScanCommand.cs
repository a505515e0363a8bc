using System.CommandLine;
using DistillGuard.Cli.Exporting;
using DistillGuard.Cli.Scanning;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Engine;
using Spectre.Console;

namespace DistillGuard.Cli.Commands;

/// <summary><c>distillguard scan PATH... [--accounts FILE] [--out DIR] [--format table|json] [--fail-on attack] [--export ocsf,stix] [--redact standard|strict]</c>.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Exchange logs: .jsonl or .jsonl.gz files, directories, glob patterns, or - for standard input",
            Arity = ArgumentArity.OneOrMore,
        };
        var accounts = new Option<string?>("--accounts") { Description = "Accounts file (JSONL): created_at, email_domain, payment_fingerprint, program, …" };
        var outDir = new Option<string?>("--out", "-o") { Description = "Directory for findings.json and report.html" };
        var format = new Option<string>("--format") { Description = "Console output: a summary table, or the findings JSON", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var failOn = new Option<string?>("--fail-on") { Description = "Exit with code 3 when an account's verdict is attack" };
        failOn.AcceptOnlyFromAmong("attack");
        var reference = new Option<string[]>("--reference")
        {
            Description = "More reference datasets for DATASET_SWEEP: JSONL with \"text\" (and \"dataset\"), or an index from 'reference build'",
            AllowMultipleArgumentsPerToken = false,
        };
        var all = new Option<bool>("--all-accounts") { Description = "List benign accounts in findings.json too" };
        var evidence = new Option<string>("--evidence") { Description = "Evidence text kept: redacted excerpts, or none (hashes and ids only)", DefaultValueFactory = _ => "redacted" };
        evidence.AcceptOnlyFromAmong("redacted", "none");
        var disposable = new Option<string?>("--disposable-domains") { Description = "More disposable e-mail domains, one per line" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output" };
        var export = new Option<string[]>("--export")
        {
            Description = "Also write exports next to findings.json: ocsf (findings.ocsf.jsonl), stix (findings.stix.json); comma-separated",
        };
        var redaction = new RedactionOptions();
        var onCluster = new Option<bool>("--cluster") { Description = "Run the engine on an Orleans cluster of 'distillguard silo' processes (see docs/cluster.md)" };
        var job = new Option<string?>("--job") { Description = "(with --cluster) Name of the cluster detector for this scan (default: a fresh unique name)" };
        var window = new Option<int>("--analysis-window")
        {
            Description = "(with --cluster) Batches analysed ahead on the silos' analysis workers while the detector applies earlier ones (0: the detector analyses)",
            DefaultValueFactory = _ => 4,
        };
        var cluster = new ClusterOptions(client: true);
        var orderIndependent = new Option<bool>("--order-independent")
        {
            Description = "Read the log twice (a first pass notes recurring prompt templates, model first sightings and reasoning-signature issuers) so that verdicts, scores and campaigns do not depend on how accounts' exchanges are interleaved, as when logs of several gateways are concatenated; about 1.6x the CPU; files only. With --cluster, the scan is split by account over partition detectors on the silos (see docs/detection.md, docs/cluster.md)",
        };
        var partitions = new Option<int>("--partitions")
        {
            Description = "(with --cluster --order-independent) Partitions the accounts are split into, 1-1024 (default: one per live silo)",
        };
        var stats = new Option<bool>("--stats") { Description = "Print throughput, peak memory and engine state size to standard error (one JSON line)" };

        var command = new Command("scan", "Find distillation campaigns in LLM API exchange logs")
        {
            paths, accounts, outDir, format, failOn, reference, all, evidence, disposable, quiet, export, stats, orderIndependent, onCluster, job, window, partitions,
        };
        redaction.AddTo(command);
        cluster.AddTo(command);
        command.Validators.Add(result =>
        {
            if (!result.GetValue(onCluster) && (cluster.AnyGiven(result) || result.GetValue(job) is not null))
                result.AddError("--redis, --postgres, --cluster-id, --tls-cert, --fast-failure-detection and --job apply only with --cluster");
            if (result.GetResult(partitions) is not null && !(result.GetValue(onCluster) && result.GetValue(orderIndependent)))
                result.AddError("--partitions applies only with --cluster --order-independent");
            if (result.GetResult(window) is not null && result.GetValue(onCluster) && result.GetValue(orderIndependent))
                result.AddError("--analysis-window does not apply with --order-independent: each partition analyses its own exchanges");
        });
        // The range is checked once the value parsed (reading it in the command's validator threw on "--partitions abc").
        partitions.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n)
                && n is < 1 or > 1024)
                r.AddError($"--partitions {n}: expected 1 to 1024");
        });
        command.SetAction((result, cancel) =>
        {
            List<ExportFormat> exports;
            RedactionPolicy policy;
            bool redactExplicit;
            try
            {
                exports = ExportFormats.Parse(result.GetValue(export) ?? []);
                (policy, redactExplicit) = redaction.Read(result);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }
            if (exports.Count > 0 && result.GetValue(outDir) is null)
            {
                Console.Error.WriteLine("error: --export writes next to findings.json: give --out DIR");
                return Task.FromResult(ExitCodes.Usage);
            }
            var exportSettings = new ExportSettings { Redaction = policy, RedactionExplicit = redactExplicit };
            if (RedactionOptions.UnkeyedNote(exportSettings, exports) is { } note) Console.Error.WriteLine(note);
            var request = new ScanRequest
            {
                Inputs = result.GetValue(paths) ?? [],
                AccountsFile = result.GetValue(accounts),
                OutDir = result.GetValue(outDir),
                Format = result.GetValue(format) ?? "table",
                FailOnAttack = result.GetValue(failOn) == "attack",
                ReferenceFiles = result.GetValue(reference) ?? [],
                AllAccounts = result.GetValue(all),
                Evidence = result.GetValue(evidence) == "none" ? EvidenceMode.None : EvidenceMode.Redacted,
                DisposableDomainsFile = result.GetValue(disposable),
                Quiet = result.GetValue(quiet),
                Exports = exports,
                ExportSettings = exportSettings,
                Stats = result.GetValue(stats),
                OrderIndependent = result.GetValue(orderIndependent),
                Cluster = result.GetValue(onCluster) ? cluster.Read(result) : null,
                Job = result.GetValue(job),
                AnalysisWindow = Math.Max(0, result.GetValue(window)),
                Partitions = result.GetValue(partitions),
            };
            bool interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
            var runner = new ScanRunner(AnsiConsole.Console, Console.Out, Console.Error, interactive);
            return Task.FromResult(runner.Run(request, cancel));
        });
        return command;
    }
}
