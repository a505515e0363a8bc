using System.Text.Json;
using DistillGuard.Core.Findings;

namespace DistillGuard.Cli.Tests;

[Collection("simulated traffic")]
public sealed class EndToEndTests(SimulatedTraffic sim, ITestOutputHelper output)
{
    [Fact]
    public void Scan_of_simulated_traffic_meets_the_detection_targets()
    {
        var outDir = Path.Combine(sim.Dir, "scan");
        var scan = CliRunner.Run("scan", sim.Traffic, "--accounts", sim.Accounts, "--out", outDir, "--quiet");
        Assert.Equal(0, scan.Exit);
        Assert.Contains("Campaigns", scan.Stdout);

        var eval = CliRunner.Run("eval", "--labels", sim.Labels, "--findings", Path.Combine(outDir, "findings.json"), "--traffic", sim.Traffic, "--check");
        output.WriteLine(eval.Stdout);
        Assert.Equal(0, eval.Exit);

        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "scorecard.json")));
        var root = card.RootElement;
        Assert.True(root.GetProperty("inputs").GetProperty("exchanges").GetInt64() >= 20_000);
        var atAttack = root.GetProperty("at_attack");
        Assert.True(atAttack.GetProperty("recall").GetDouble() >= 0.95, "account recall");
        Assert.True(atAttack.GetProperty("benign_fpr").GetDouble() <= 0.005, "benign false-positive rate");
        foreach (var c in root.GetProperty("campaigns").EnumerateArray())
            Assert.True(c.GetProperty("recall").GetDouble() > 0, $"campaign {c.GetProperty("campaign").GetString()} missed");
        // Every persona of the scenario's hard negatives was evaluated.
        var personas = root.GetProperty("personas").EnumerateArray().Select(p => p.GetProperty("persona").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "eval_runners", "app_backends", "students", "coding_agents", "hydra_reseller", "low_and_slow" }, personas);

        var findings = FindingsJson.Read(Path.Combine(outDir, "findings.json"));
        Assert.All(findings.Accounts.Where(a => a.Verdict == "attack"), a => Assert.NotNull(a.FirstFlaggedAt));
        Assert.Contains(findings.Campaigns, c => c.Techniques.Any(t => t.Id == "AML.T0008.005"));
        Assert.Contains(findings.Campaigns, c => c.Techniques.Any(t => t.Id == "AML.T0021"));

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"https?://", html);
    }

    [Fact]
    public void Stats_are_printed_after_the_outputs_with_the_whole_scans_peak_memory_and_time()
    {
        // peak_rss_bytes was read at the end of the streaming pass, before the final re-clustering and the findings;
        // now the line is printed last (after the table and "Wrote" lines), with the streaming pass's peak beside it.
        var outDir = Path.Combine(sim.Dir, "stats-out");
        var run = CliRunner.Run("scan", sim.Slice, "--accounts", sim.Accounts, "--out", outDir, "--stats");
        Assert.Equal(0, run.Exit);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = lines.Single(l => l.StartsWith("stats: ", StringComparison.Ordinal));
        Assert.Contains("Wrote " + Path.Combine(outDir, "report.html"), run.Stdout + run.Stderr);
        Assert.Equal(line, lines[^1]);
        using var stats = JsonDocument.Parse(line["stats: ".Length..]);
        var s = stats.RootElement;
        long peak = s.GetProperty("peak_rss_bytes").GetInt64(), streaming = s.GetProperty("streaming_peak_rss_bytes").GetInt64();
        Assert.True(streaming > 10 << 20, $"streaming peak {streaming} bytes");
        Assert.True(peak >= streaming, $"whole-scan peak {peak} below the streaming pass's {streaming}");
        Assert.True(s.GetProperty("total_seconds").GetDouble() >= s.GetProperty("seconds").GetDouble());
        Assert.Equal(JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "findings.json"))).RootElement.GetProperty("input").GetProperty("exchanges").GetInt64(),
            s.GetProperty("exchanges").GetInt64());
    }

    [Fact]
    public void Fail_on_attack_exits_3_and_json_format_prints_the_findings()
    {
        var run = CliRunner.Run("scan", sim.Slice, "--accounts", sim.Accounts, "--fail-on", "attack", "--format", "json", "--quiet");
        Assert.Equal(3, run.Exit);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(FindingsDocument.SchemaId, doc.RootElement.GetProperty("schema").GetString());
        Assert.True(doc.RootElement.GetProperty("summary").GetProperty("accounts_attack").GetInt32() > 0);
    }

    [Fact]
    public void Standard_input_is_a_source()
    {
        var run = CliRunner.RunWithInput(sim.Slice, "scan", "-", "--format", "json", "--quiet");
        Assert.Equal(0, run.Exit);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(8000, doc.RootElement.GetProperty("input").GetProperty("exchanges").GetInt64());
        Assert.Equal("-", doc.RootElement.GetProperty("input").GetProperty("sources")[0].GetString());
    }

    [Fact]
    public void Malformed_lines_are_reported_and_skipped_and_the_scan_goes_on()
    {
        var file = Path.Combine(sim.Dir, "dirty.jsonl");
        var good = File.ReadLines(sim.Slice).Take(50).ToList();
        File.WriteAllLines(file, good.Take(20).Append("{not json").Append("""{"account_id":"x","timestamp":"soon"}""").Concat(good.Skip(20)));
        var run = CliRunner.Run("scan", file, "--format", "json", "--quiet");
        Assert.Equal(0, run.Exit);
        Assert.Contains($"{file}:21: (line): valid JSON", run.Stderr);
        Assert.Contains($"{file}:22: timestamp: an RFC 3339 date-time", run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var input = doc.RootElement.GetProperty("input");
        Assert.Equal((52, 50, 2), (input.GetProperty("lines_read").GetInt64(), input.GetProperty("exchanges").GetInt64(), input.GetProperty("lines_skipped").GetInt64()));
        Assert.Equal(2, input.GetProperty("errors").GetArrayLength());
    }

    [Theory]
    [InlineData(new string[] { "scan" }, "")]
    [InlineData(new string[] { "scan", "/no/such/file.jsonl" }, "no such file")]
    [InlineData(new string[] { "scan", "x.jsonl", "--format", "xml" }, "xml")]
    [InlineData(new string[] { "frobnicate" }, "frobnicate")]
    [InlineData(new string[] { "eval", "--labels", "/no/labels.jsonl", "--findings", "/no/findings.json" }, "labels.jsonl")]
    [InlineData(new string[] { "silo", "--redis", "127.0.0.1:1", "--postgres", "Host=127.0.0.1;Port=1" }, "--redis and --postgres: give one store")]
    [InlineData(new string[] { "scan", "x.jsonl", "--cluster", "--redis", "127.0.0.1:1", "--postgres", "Host=127.0.0.1;Port=1" }, "--redis and --postgres")]
    [InlineData(new string[] { "scan", "x.jsonl", "--postgres", "Host=127.0.0.1;Port=1" }, "apply only with --cluster")]
    [InlineData(new string[] { "serve", "--cluster", "--redis", "127.0.0.1:1", "--postgres", "Host=127.0.0.1;Port=1" }, "--redis and --postgres: give one store")]
    [InlineData(new string[] { "silo", "--postgres", "Host=127.0.0.1;Port=1;Password=hunter2;Timeout=1" }, "error: --postgres (PostgreSQL 127.0.0.1:1): ")]
    public void Usage_errors_exit_2_with_a_message(string[] args, string message)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Stderr);
    }
}

[CollectionDefinition("simulated traffic")]
public sealed class SimulatedTrafficCollection : ICollectionFixture<SimulatedTraffic>;
