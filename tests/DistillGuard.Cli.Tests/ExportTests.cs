using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using DistillGuard.Core.Findings;

namespace DistillGuard.Cli.Tests;

[Collection("simulated traffic")]
public sealed class ExportTests(SimulatedTraffic sim)
{
    private string Scan(string name, params string[] extra)
    {
        var outDir = Path.Combine(sim.Dir, name);
        var run = CliRunner.Run(["scan", sim.Slice, "--accounts", sim.Accounts, "--out", outDir, "--quiet", .. extra]);
        Assert.True(run.Exit == 0, run.Stderr);
        return outDir;
    }

    [Fact]
    public void Scan_writes_ocsf_and_stix_next_to_the_findings_with_stable_ids()
    {
        var first = Scan("export-1", "--export", "ocsf,stix");
        var second = Scan("export-2", "--export", "ocsf", "--export", "stix");
        var findings = FindingsJson.Read(Path.Combine(first, "findings.json"));
        Assert.NotEmpty(findings.Campaigns);

        var ocsf = File.ReadAllLines(Path.Combine(first, "findings.ocsf.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(findings.Campaigns.Count + findings.Accounts.Count(a => a.Verdict == "attack"), ocsf.Count);
        Assert.All(ocsf, e => Assert.Equal(2004, e["class_uid"]!.GetValue<int>()));
        var uids = ocsf.Select(e => e["finding_info"]!["uid"]!.GetValue<string>()).ToList();
        var uidsAgain = File.ReadAllLines(Path.Combine(second, "findings.ocsf.jsonl")).Select(l => JsonNode.Parse(l)!["finding_info"]!["uid"]!.GetValue<string>()).ToList();
        Assert.Equal(uids, uidsAgain);

        // STIX depends on the findings only (not on when the scan ran): the same input gives the same bundle.
        var stix = File.ReadAllText(Path.Combine(first, "findings.stix.json"));
        Assert.Equal(stix, File.ReadAllText(Path.Combine(second, "findings.stix.json")));
        using var bundle = JsonDocument.Parse(stix);
        Assert.Equal("bundle", bundle.RootElement.GetProperty("type").GetString());
        // Without --redact the sharing format is written under the strict policy: hashed accounts, no raw IPs.
        Assert.DoesNotContain("acct-", stix);
        Assert.Matches("user-account:user_id IN \\('acct:[0-9a-f]{16}'", stix);
        AssertNoPromptText(stix);
    }

    [Fact]
    public void Strict_redaction_applies_to_findings_report_and_exports()
    {
        var dir = Scan("strict", "--redact", "strict", "--export", "ocsf,stix");
        var findings = FindingsJson.Read(Path.Combine(dir, "findings.json"));
        Assert.Equal("strict", findings.Redaction);
        Assert.All(findings.Accounts, a => Assert.Matches("^acct:[0-9a-f]{16}$", a.AccountId));
        Assert.All(findings.Accounts.SelectMany(a => a.Examples), e => Assert.Null(e.Excerpt));
        foreach (var file in new[] { "findings.json", "report.html", "findings.ocsf.jsonl", "findings.stix.json" })
        {
            var text = File.ReadAllText(Path.Combine(dir, file));
            // The report's own <head> boilerplate (a viewport meta tag) also occurs in prompts that paste HTML.
            if (file == "report.html") text = text[text.IndexOf("<body", StringComparison.Ordinal)..];
            Assert.DoesNotContain("\"acct-", text);
            AssertNoPromptText(text);
        }
    }

    [Fact]
    public void Export_converts_saved_findings_and_a_hash_key_changes_the_hashes()
    {
        var dir = Scan("for-export");
        var findings = Path.Combine(dir, "findings.json");
        var keyFile = Path.Combine(dir, "hash.key");
        File.WriteAllText(keyFile, "partner-sharing-key-2026\n");

        var ocsf = CliRunner.Run("export", "--findings", findings, "--format", "ocsf");
        Assert.Equal(0, ocsf.Exit);
        var events = ocsf.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, l => Assert.Equal(200401, JsonNode.Parse(l)!["type_uid"]!.GetValue<int>()));

        var close = CliRunner.Run("export", "--findings", findings, "--format", "ocsf", "--activity", "close");
        Assert.All(close.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Equal(200403, JsonNode.Parse(l)!["type_uid"]!.GetValue<int>()));

        var plain = Path.Combine(dir, "plain.stix.json");
        var keyed = Path.Combine(dir, "keyed.stix.json");
        Assert.Equal(0, CliRunner.Run("export", "--findings", findings, "--format", "stix", "--out", plain, "--tlp", "green", "--producer", "Example AI").Exit);
        var run = CliRunner.Run("export", "--findings", findings, "--format", "stix", "--out", keyed, "--hash-key-file", keyFile);
        Assert.Equal(0, run.Exit);
        Assert.Contains("redaction strict", run.Stderr);
        var plainText = File.ReadAllText(plain);
        Assert.Contains("TLP:GREEN", plainText);
        Assert.Contains("\"Example AI\"", plainText);
        var hashes = (string s) => System.Text.RegularExpressions.Regex.Matches(s, "acct:[0-9a-f]{16}").Select(m => m.Value).ToHashSet();
        Assert.NotEmpty(hashes(plainText));
        Assert.Empty(hashes(plainText).Intersect(hashes(File.ReadAllText(keyed))));
    }

    [Theory]
    [InlineData(new[] { "export", "--findings", "/nonexistent/findings.json", "--format", "stix" }, "/nonexistent/findings.json")]
    [InlineData(new[] { "export", "--findings", "x.json", "--format", "csv" }, "csv")]
    [InlineData(new[] { "scan", "x.jsonl", "--export", "ocsf,misp", "--out", "o" }, "misp")]
    [InlineData(new[] { "scan", "x.jsonl", "--export", "ocsf" }, "--out")]
    [InlineData(new[] { "scan", "x.jsonl", "--redact", "lenient" }, "lenient")]
    public void Export_usage_errors_exit_2_with_a_message(string[] args, string message)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void A_file_that_is_not_findings_is_a_clear_error()
    {
        var path = Path.Combine(sim.Dir, "not-findings.json");
        File.WriteAllText(path, "{\"hello\": 1");
        var run = CliRunner.Run("export", "--findings", path, "--format", "ocsf");
        Assert.Equal(2, run.Exit);
        Assert.Contains("not a findings document", run.Stderr);
    }

    /// <summary>No 40-character window of any user prompt in the slice appears in <paramref name="text"/>.</summary>
    private void AssertNoPromptText(string text)
    {
        foreach (var line in File.ReadLines(sim.Slice).Take(3000))
        {
            var request = JsonNode.Parse(line)!["request"];
            foreach (var m in request?["messages"]?.AsArray() ?? [])
            {
                if (m?["content"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String) continue;
                var content = v.GetValue<string>().ReplaceLineEndings(" ");
                for (int i = 0; i + 40 <= content.Length; i += 40)
                    Assert.False(text.Contains(content.Substring(i, 40), StringComparison.Ordinal), $"prompt text leaked: {content.Substring(i, 40)}");
            }
        }
    }
}
