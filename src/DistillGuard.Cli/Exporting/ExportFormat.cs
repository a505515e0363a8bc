namespace DistillGuard.Cli.Exporting;

/// <summary>Formats <c>scan --export</c> and <c>export --format</c> write.</summary>
internal enum ExportFormat
{
    /// <summary>OCSF 1.5.0 Detection Findings, JSON Lines (<c>findings.ocsf.jsonl</c>).</summary>
    Ocsf,
    /// <summary>A STIX 2.1 bundle (<c>findings.stix.json</c>).</summary>
    Stix,
}

/// <summary>Parsing and file names of <see cref="ExportFormat"/>.</summary>
internal static class ExportFormats
{
    /// <summary>Parses comma-separated format lists (<c>ocsf,stix</c>); repeats are merged.</summary>
    /// <exception cref="FormatException">An unknown format name.</exception>
    public static List<ExportFormat> Parse(IEnumerable<string> values)
    {
        var formats = new List<ExportFormat>();
        foreach (var value in values)
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var f = part.ToLowerInvariant() switch
                {
                    "ocsf" => ExportFormat.Ocsf,
                    "stix" => ExportFormat.Stix,
                    _ => throw new FormatException($"--export: ocsf or stix, comma-separated (found \"{part}\")"),
                };
                if (!formats.Contains(f)) formats.Add(f);
            }
        return formats;
    }

    /// <summary>The file written next to findings.json.</summary>
    public static string FileName(ExportFormat format) => format == ExportFormat.Ocsf ? "findings.ocsf.jsonl" : "findings.stix.json";
}
