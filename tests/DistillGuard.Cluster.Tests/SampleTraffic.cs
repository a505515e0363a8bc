using System.Text;
using DistillGuard.Cli.Scanning;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Ingest.Accounts;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;
using Spectre.Console;

namespace DistillGuard.Cluster.Tests;

/// <summary>The bundled sample (samples/: 7,963 exchanges, 358 accounts, 13 campaigns) and its single-process findings.</summary>
internal static class SampleTraffic
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "samples", "traffic.jsonl.gz"))) return Path.Combine(dir.FullName, "samples");
        throw new FileNotFoundException("samples/traffic.jsonl.gz not found above " + AppContext.BaseDirectory);
    });

    public static string Traffic => Path.Combine(Root.Value, "traffic.jsonl.gz");
    public static string Accounts => Path.Combine(Root.Value, "accounts.jsonl");

    public static List<InputSource> Sources => InputResolver.Resolve([Traffic]);

    public static List<AccountMetadata> AccountList() =>
        AccountsFileReader.Read(InputSource.File(Accounts), e => throw new InvalidDataException(e.ToString())).ToList();

    /// <summary>Findings of the real single-process scan (the CLI's scan runner, in this process), before redaction.</summary>
    public static readonly Lazy<FindingsDocument> Embedded = new(() => ScanInProcess(orderIndependent: false));

    /// <summary>Findings of the real single-process order-independent scan (<c>scan --order-independent</c>), before redaction.</summary>
    public static readonly Lazy<FindingsDocument> EmbeddedOrderIndependent = new(() => ScanInProcess(orderIndependent: true));

    private static FindingsDocument ScanInProcess(bool orderIndependent)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var runner = new ScanRunner(console, TextWriter.Null, TextWriter.Null, interactive: false);
        int exit = runner.Run(new ScanRequest { Inputs = [Traffic], AccountsFile = Accounts, Quiet = true, Format = "json", OrderIndependent = orderIndependent });
        if (exit != 0) throw new InvalidOperationException($"embedded scan (order-independent: {orderIndependent}) exited {exit}");
        return runner.Findings!;
    }

    /// <summary>
    /// The findings as JSON text without what a partitioned scan legitimately sees differently (docs/cluster.md): the
    /// production time, each account's <c>first_flagged_at</c> and <c>first_suspicious_at</c> (streamed within its
    /// partition) and the display texts of campaign indicators (the first text seen, in a partition). Everything else
    /// stays: verdicts, scores, reasons, evidence, campaigns, indicator hashes, timelines.
    /// </summary>
    public static string CanonicalPartitioned(FindingsDocument doc)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(FindingsJson.ToUtf8Bytes(doc with { GeneratedAt = default }))!;
        foreach (var account in node["accounts"]!.AsArray())
        {
            account!.AsObject().Remove("first_flagged_at");
            account.AsObject().Remove("first_suspicious_at");
        }
        foreach (var campaign in node["campaigns"]!.AsArray())
            foreach (var indicator in campaign!["indicators"]!.AsArray()) indicator!.AsObject().Remove("value");
        return node.ToJsonString();
    }

    /// <summary>The findings as JSON text, with the production time blanked (the only field that differs between two runs).</summary>
    public static string Canonical(FindingsDocument doc)
    {
        return Encoding.UTF8.GetString(FindingsJson.ToUtf8Bytes(doc with { GeneratedAt = default }));
    }

    /// <summary>
    /// The same accounts flagged and the same campaign membership (what the issue asks first, stated on its own), and
    /// then everything else in findings.json as <paramref name="canonical"/> renders it (<see cref="Canonical"/>, or
    /// <see cref="CanonicalPartitioned"/> for a partitioned scan).
    /// </summary>
    public static void AssertSameVerdictsAndCampaigns(FindingsDocument expected, FindingsDocument actual, Func<FindingsDocument, string> canonical)
    {
        Assert.Equal(
            expected.Accounts.Select(a => (a.AccountId, a.Verdict, a.CampaignId)).OrderBy(t => t.AccountId, StringComparer.Ordinal),
            actual.Accounts.Select(a => (a.AccountId, a.Verdict, a.CampaignId)).OrderBy(t => t.AccountId, StringComparer.Ordinal));
        Assert.Equal(
            expected.Campaigns.Select(c => (c.CampaignId, string.Join(",", c.AccountIds.Order(StringComparer.Ordinal)))),
            actual.Campaigns.Select(c => (c.CampaignId, string.Join(",", c.AccountIds.Order(StringComparer.Ordinal)))));
        Assert.Equal(canonical(expected), canonical(actual));
    }

    /// <summary>The newest user message of each of the first <paramref name="exchanges"/> exchanges that has one.</summary>
    public static List<string> UserPrompts(int exchanges)
    {
        var prompts = new List<string>();
        var reader = new ExchangeLogReader(Sources);
        var x = new DistillGuard.Core.Exchanges.Exchange();
        using var stop = new CancellationTokenSource();
        reader.Run(() => x, (e, _, _) =>
        {
            var segments = e.Segments;
            for (int i = segments.Length - 1; i >= 0; i--)
            {
                if (segments[i].Role != DistillGuard.Core.Exchanges.MessageRole.User) continue;
                prompts.Add(e.Text(segments[i]).ToString());
                break;
            }
            if (prompts.Count >= exchanges) stop.Cancel();
        }, _ => { }, stop.Token);
        return prompts;
    }

    public static InputSummary InputOf(ExchangeLogReader reader, List<string> errors) => ScanRunner.InputSummaryOf(Sources, reader, errors);
}
