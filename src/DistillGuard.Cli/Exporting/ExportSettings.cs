using DistillGuard.Core.Findings;
using DistillGuard.Reports.Exports;

namespace DistillGuard.Cli.Exporting;

/// <summary>How exports are written: the redaction policy, and the sharing details of STIX and OCSF.</summary>
internal sealed record ExportSettings
{
    /// <summary>The policy for findings, report and OCSF.</summary>
    public RedactionPolicy Redaction { get; init; } = RedactionPolicy.Standard;

    /// <summary>
    /// True when <c>--redact</c> was given. Without it STIX, the format meant to leave the building, is written under
    /// the strict policy while the rest stays standard.
    /// </summary>
    public bool RedactionExplicit { get; init; }

    /// <summary>Producer name in the STIX identity.</summary>
    public string Producer { get; init; } = "DistillGuard";

    /// <summary>TLP marking of STIX objects.</summary>
    public Tlp Tlp { get; init; } = Tlp.Amber;

    /// <summary>OCSF activity (create, update, close).</summary>
    public OcsfActivity Activity { get; init; } = OcsfActivity.Create;

    /// <summary>The policy a given format is written under.</summary>
    public RedactionPolicy PolicyFor(ExportFormat format) =>
        format == ExportFormat.Stix && !RedactionExplicit ? RedactionPolicy.Strict with { HashKey = Redaction.HashKey } : Redaction;
}
