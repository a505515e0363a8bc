using System.Text;
using DistillGuard.Core.Findings;
using DistillGuard.Reports.Exports;

namespace DistillGuard.Cli.Exporting;

/// <summary>Writes a findings document in an export format, after applying the format's redaction policy.</summary>
internal static class ExportWriter
{
    /// <summary>Writes <paramref name="doc"/> to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, FindingsDocument doc, ExportFormat format, ExportSettings settings)
    {
        var redacted = Redaction.Apply(doc, settings.PolicyFor(format));
        if (format == ExportFormat.Ocsf) OcsfExporter.Write(writer, redacted, settings.Activity);
        else
        {
            StixExporter.Write(writer, redacted, settings.Producer, settings.Tlp);
            writer.WriteLine();
        }
    }

    /// <summary>Writes <paramref name="doc"/> to the file at <paramref name="path"/> (UTF-8, no BOM, LF line ends).</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file.</exception>
    public static void Write(string path, FindingsDocument doc, ExportFormat format, ExportSettings settings)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        Write(writer, doc, format, settings);
    }
}
