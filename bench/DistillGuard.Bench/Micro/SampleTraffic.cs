using System.IO.Compression;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Formats;

namespace DistillGuard.Bench.Micro;

/// <summary>The bundled sample log (samples/traffic.jsonl.gz, 7,963 exchanges) loaded once for the micro-benchmarks.</summary>
public static class SampleTraffic
{
    private static readonly Lazy<List<byte[]>> LinesLazy = new(Load);

    /// <summary>Raw JSON lines.</summary>
    public static IReadOnlyList<byte[]> Lines => LinesLazy.Value;

    /// <summary>The repository's samples/traffic.jsonl.gz, found from the working directory or the binary upwards.</summary>
    public static string Path
    {
        get
        {
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var candidate = System.IO.Path.Combine(dir.FullName, "samples", "traffic.jsonl.gz");
                    if (File.Exists(candidate)) return candidate;
                }
            throw new FileNotFoundException("samples/traffic.jsonl.gz not found above the working directory or the binary");
        }
    }

    /// <summary>Every sample exchange parsed into its own object.</summary>
    public static List<Exchange> Parse(int limit = int.MaxValue)
    {
        var parser = new ExchangeParser();
        var list = new List<Exchange>();
        foreach (var line in Lines.Take(limit))
        {
            var x = new Exchange();
            if (parser.Parse(line, x) is null) list.Add(x);
        }
        return list;
    }

    /// <summary>The normalised system and user text of each exchange (what the phrase automaton reads).</summary>
    public static List<string> NormalisedPrompts(IReadOnlyList<Exchange> exchanges)
    {
        var buffer = new char[64 * 1024];
        return exchanges.Select(x =>
        {
            int w = 0;
            foreach (var seg in x.Segments)
                if (seg.Role is MessageRole.User or MessageRole.System) DistillGuard.Core.Text.TextNormalizer.Append(x.Text(seg), buffer, ref w);
            return new string(buffer, 0, w);
        }).ToList();
    }

    /// <summary>Analyses of <paramref name="exchanges"/>, one object each.</summary>
    public static List<ExchangeAnalysis> Analyse(IReadOnlyList<Exchange> exchanges)
    {
        var analyzer = new DetectionEngine().CreateAnalyzer();
        return exchanges.Select(x =>
        {
            var a = new ExchangeAnalysis();
            analyzer.Analyze(x, a);
            return a;
        }).ToList();
    }

    private static List<byte[]> Load()
    {
        using var gz = new GZipStream(File.OpenRead(Path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var lines = new List<byte[]>();
        while (reader.ReadLine() is { } line) if (line.Length > 0) lines.Add(System.Text.Encoding.UTF8.GetBytes(line));
        return lines;
    }
}
