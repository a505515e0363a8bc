using System.Diagnostics;
using System.Text.Json;

namespace DistillGuard.Bench.EndToEnd;

/// <summary>
/// The end-to-end benchmark: in one run, the raw rate of reading and parsing the log with System.Text.Json and doing
/// nothing else, then the real <c>distillguard scan</c> on the same file (a child process, so its peak memory is its
/// own), reported side by side with their ratio.
/// </summary>
internal static class EndToEndBenchmark
{
    public sealed record Row(string Name, long Exchanges, long TextBytes, double RawSeconds, double ScanSeconds, long PeakRss, long StreamingPeakRss, int Accounts, long StateBytes)
    {
        public double RawRate => Exchanges / RawSeconds;
        public double ScanRate => Exchanges / ScanSeconds;
        public double Ratio => ScanRate / RawRate;
    }

    public static Row Run(string name, string traffic, string? accounts, string cli)
    {
        Console.Error.WriteLine($"[{name}] raw read + parse of {traffic} …");
        var raw = Stages.RawParse(traffic, long.MaxValue);
        Console.Error.WriteLine($"[{name}] raw: {raw.Lines:N0} lines in {raw.Elapsed.TotalSeconds:F1} s ({raw.PerSecond:N0}/s, {raw.MBPerSecond:F0} MB/s)");

        var outDir = Directory.CreateTempSubdirectory("dg-bench-").FullName;
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { cli, "scan", traffic, "--out", outDir, "--quiet", "--stats" }) psi.ArgumentList.Add(a);
            if (accounts is not null) { psi.ArgumentList.Add("--accounts"); psi.ArgumentList.Add(accounts); }
            Console.Error.WriteLine($"[{name}] distillguard scan …");
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var statsLine = stderr.Result.Split('\n').LastOrDefault(l => l.StartsWith("stats: ", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"scan printed no stats (exit {p.ExitCode}): {stderr.Result}");
            using var stats = JsonDocument.Parse(statsLine["stats: ".Length..]);
            var s = stats.RootElement;
            var row = new Row(name, s.GetProperty("exchanges").GetInt64(), s.GetProperty("text_bytes").GetInt64(), raw.Elapsed.TotalSeconds,
                s.GetProperty("seconds").GetDouble(), s.GetProperty("peak_rss_bytes").GetInt64(), s.GetProperty("streaming_peak_rss_bytes").GetInt64(), s.GetProperty("accounts").GetInt32(), s.GetProperty("engine_state_bytes").GetInt64());
            Console.Error.WriteLine($"[{name}] scan: {row.ScanRate:N0}/s, ratio {row.Ratio:F2}, peak RSS {row.PeakRss / (1024.0 * 1024):F0} MiB (streaming pass {row.StreamingPeakRss / (1024.0 * 1024):F0} MiB), {row.StateBytes / (double)row.Accounts:F0} bytes/account");
            return row;
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    public static string Markdown(IEnumerable<Row> rows)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("| Log | Exchanges | Raw read+parse (exchanges/s) | Scan (exchanges/s) | Scan (MB/s) | Scan / raw | Peak RSS (whole scan) | Peak RSS (streaming pass) | Engine state | Bytes per account |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            sb.AppendLine($"| {r.Name} | {r.Exchanges:N0} | {r.RawRate:N0} | {r.ScanRate:N0} | {r.TextBytes / 1e6 / r.ScanSeconds:F0} | {r.Ratio:F2} | {r.PeakRss / 1048576.0:F0} MiB | {r.StreamingPeakRss / 1048576.0:F0} MiB | {r.StateBytes / 1048576.0:F0} MiB | {r.StateBytes / (double)Math.Max(1, r.Accounts):N0} |");
        return sb.ToString();
    }
}
