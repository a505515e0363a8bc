using System.IO.Compression;
using System.Text.Json;

namespace DistillGuard.TestSupport;

/// <summary>Real prompts from ../shared/data/corpora (read-only, present on developer machines and in CI).</summary>
public static class Corpora
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var env = Environment.GetEnvironmentVariable("DISTILLGUARD_CORPORA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "data", "corpora");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/data/corpora not found above the test binaries; set DISTILLGUARD_CORPORA");
    });

    /// <summary>The corpora folder.</summary>
    public static string Root => Folder.Value;

    /// <summary>Rows of a corpus file (parsed JSON objects).</summary>
    public static IEnumerable<JsonElement> Rows(string file)
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Folder.Value, file)), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }

    /// <summary>The <c>text</c> of up to <paramref name="limit"/> rows, optionally only template or only non-template rows.</summary>
    public static List<string> Texts(string file, int limit = int.MaxValue, bool? templates = false, string field = "text")
    {
        var result = new List<string>();
        foreach (var row in Rows(file))
        {
            if (result.Count >= limit) break;
            bool isTemplate = row.TryGetProperty("template", out var t) && (t.ValueKind == JsonValueKind.True || (t.ValueKind == JsonValueKind.String && t.GetString() == "True"));
            if (templates is bool want && want != isTemplate) continue;
            if (row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
                result.Add(v.GetString()!);
        }
        return result;
    }
}
