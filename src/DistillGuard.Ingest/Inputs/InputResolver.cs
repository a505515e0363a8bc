using Microsoft.Extensions.FileSystemGlobbing;

namespace DistillGuard.Ingest.Inputs;

/// <summary>Raised when an input path names nothing readable.</summary>
public sealed class InputNotFoundException(string message) : Exception(message);

/// <summary>
/// Expands command-line inputs into sources: files as given, directories recursively (<c>*.jsonl</c>,
/// <c>*.jsonl.gz</c>, <c>*.ndjson</c>, <c>*.ndjson.gz</c>, sorted), glob patterns (<c>logs/**/*.jsonl.gz</c>, via
/// Microsoft.Extensions.FileSystemGlobbing), and <c>-</c> for standard input.
/// </summary>
public static class InputResolver
{
    private static readonly string[] LogPatterns = ["**/*.jsonl", "**/*.jsonl.gz", "**/*.ndjson", "**/*.ndjson.gz"];

    /// <summary>Resolves <paramref name="inputs"/>.</summary>
    /// <exception cref="InputNotFoundException">A path does not exist, a glob or directory matches no log file, or <c>-</c> is given twice.</exception>
    public static List<InputSource> Resolve(IEnumerable<string> inputs)
    {
        var result = new List<InputSource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool stdin = false;
        foreach (var input in inputs)
        {
            if (input == InputSource.StandardInput)
            {
                if (stdin) throw new InputNotFoundException("standard input (-) can be given only once");
                stdin = true;
                result.Add(InputSource.Stdin());
                continue;
            }
            if (File.Exists(input))
            {
                if (seen.Add(Path.GetFullPath(input))) result.Add(InputSource.File(input));
                continue;
            }
            if (Directory.Exists(input))
            {
                var matcher = new Matcher(StringComparison.Ordinal);
                matcher.AddIncludePatterns(LogPatterns);
                var files = matcher.GetResultsInFullPath(input).Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new InputNotFoundException($"{input}: directory holds no *.jsonl, *.jsonl.gz, *.ndjson or *.ndjson.gz files");
                foreach (var f in files) if (seen.Add(f)) result.Add(InputSource.File(f));
                continue;
            }
            if (input.IndexOfAny(['*', '?']) >= 0)
            {
                var (root, pattern) = SplitGlob(input);
                var matcher = new Matcher(StringComparison.Ordinal);
                matcher.AddInclude(pattern);
                var files = Directory.Exists(root) ? matcher.GetResultsInFullPath(root).Order(StringComparer.Ordinal).ToList() : [];
                if (files.Count == 0) throw new InputNotFoundException($"{input}: pattern matches no files");
                foreach (var f in files) if (seen.Add(f)) result.Add(InputSource.File(f));
                continue;
            }
            throw new InputNotFoundException($"{input}: no such file or directory");
        }
        return result;
    }

    private static (string Root, string Pattern) SplitGlob(string input)
    {
        var parts = input.Replace('\\', '/').Split('/');
        int firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        var root = string.Join('/', parts[..firstWild]);
        if (root.Length == 0) root = input.StartsWith('/') ? "/" : ".";
        return (root, string.Join('/', parts[firstWild..]));
    }
}
