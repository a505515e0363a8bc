using System.CommandLine;
using DistillGuard.Cli.Exporting;
using DistillGuard.Cli.Scanning;
using DistillGuard.Core.Findings;
using DistillGuard.Reports.Exports;

namespace DistillGuard.Cli.Commands;

/// <summary>
/// <c>distillguard export --findings FILE --format ocsf|stix [--out FILE] [--redact standard|strict] [--producer NAME]
/// [--tlp white|green|amber|red] [--activity create|update|close]</c>.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var findings = new Option<string>("--findings") { Description = "findings.json from scan", Required = true };
        var format = new Option<string>("--format") { Description = "ocsf (OCSF 1.5.0 Detection Findings, JSON Lines) or stix (STIX 2.1 bundle)", Required = true };
        format.AcceptOnlyFromAmong("ocsf", "stix");
        var outFile = new Option<string?>("--out", "-o") { Description = "Output file (default: standard output)" };
        var producer = new Option<string>("--producer") { Description = "STIX: the producing organisation's name", DefaultValueFactory = _ => "DistillGuard" };
        var tlp = new Option<string>("--tlp") { Description = "STIX: TLP marking of every object", DefaultValueFactory = _ => "amber" };
        tlp.AcceptOnlyFromAmong("white", "green", "amber", "red");
        var activity = new Option<string>("--activity") { Description = "OCSF: finding activity (type_uid 200401/2/3)", DefaultValueFactory = _ => "create" };
        activity.AcceptOnlyFromAmong("create", "update", "close");
        var redaction = new RedactionOptions();

        var command = new Command("export", "Export findings for a SIEM (OCSF) or for sharing with other providers (STIX 2.1)")
        {
            findings, format, outFile, producer, tlp, activity,
        };
        redaction.AddTo(command);
        command.SetAction(result =>
        {
            FindingsDocument doc;
            ExportSettings settings;
            string path = result.GetValue(findings)!;
            try
            {
                doc = FindingsJson.Read(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {path}: {e.Message}");
                return ExitCodes.Usage;
            }
            try
            {
                var (policy, isExplicit) = redaction.Read(result);
                settings = new ExportSettings
                {
                    Redaction = policy,
                    RedactionExplicit = isExplicit,
                    Producer = result.GetValue(producer)!,
                    Tlp = Enum.Parse<Tlp>(result.GetValue(tlp)!, ignoreCase: true),
                    Activity = Enum.Parse<OcsfActivity>(result.GetValue(activity)!, ignoreCase: true),
                };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --hash-key-file: {e.Message}");
                return ExitCodes.Usage;
            }

            var exportFormat = result.GetValue(format) == "ocsf" ? ExportFormat.Ocsf : ExportFormat.Stix;
            if (RedactionOptions.UnkeyedNote(settings, [exportFormat]) is { } note) Console.Error.WriteLine(note);
            if (result.GetValue(outFile) is { } target)
            {
                try
                {
                    ExportWriter.Write(target, doc, exportFormat, settings);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: cannot write {target}: {e.Message}");
                    return ExitCodes.Usage;
                }
                Console.Error.WriteLine($"Wrote {target} ({exportFormat.ToString().ToUpperInvariant()}, redaction {settings.PolicyFor(exportFormat).Name})");
            }
            else
            {
                var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
                ExportWriter.Write(stdout, doc, exportFormat, settings);
                stdout.Flush();
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
