using System.IO.Compression;

namespace DistillGuard.Cli.Tests;

/// <summary>The small scenario simulated once per test run (about 47,000 exchanges of labelled traffic from the real corpora).</summary>
public sealed class SimulatedTraffic : IDisposable
{
    public SimulatedTraffic()
    {
        Dir = Directory.CreateTempSubdirectory("dg-e2e-").FullName;
        _regrouped = new Lazy<string>(Regroup);
        var (exit, stdout, stderr) = CliRunner.Run("simulate", "--scenario", "small", "--out", Dir, "--quiet");
        if (exit != 0) throw new InvalidOperationException($"simulate failed ({exit}): {stdout}\n{stderr}");
        // A one-day slice for the tests that only need some traffic.
        Slice = Path.Combine(Dir, "slice.jsonl");
        using var gz = new GZipStream(File.OpenRead(Traffic), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        using var writer = new StreamWriter(Slice);
        for (int i = 0; i < 8000 && reader.ReadLine() is { } line; i++) writer.WriteLine(line);
    }

    public string Dir { get; }
    public string Traffic => Path.Combine(Dir, "traffic.jsonl.gz");
    public string Accounts => Path.Combine(Dir, "accounts.jsonl");
    public string Labels => Path.Combine(Dir, "labels.jsonl");
    public string Slice { get; }

    private readonly Lazy<string> _regrouped;

    /// <summary>
    /// The traffic regrouped: every account's exchanges together (its own order kept), accounts in descending id
    /// order, as if each account's traffic came from a different gateway and the logs were concatenated. Made once.
    /// </summary>
    public string Regrouped => _regrouped.Value;

    private string Regroup()
    {
        var lines = new List<(string Account, string Line)>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Traffic), CompressionMode.Decompress)))
            while (reader.ReadLine() is { } line)
                lines.Add((System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("account_id").GetString()!, line));
        var path = Path.Combine(Dir, "regrouped.jsonl");
        File.WriteAllLines(path, lines.Select((l, i) => (l, i))
            .OrderByDescending(x => x.l.Account, StringComparer.Ordinal).ThenBy(x => x.i).Select(x => x.l.Line));
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
