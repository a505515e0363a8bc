using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Similarity;
using DistillGuard.Ingest.Accounts;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cli.Tests;

/// <summary>
/// The map-reduce form of an order-independent scan: engines fed the accounts of one partition each, merged into one
/// engine, give the verdicts and campaigns of one engine fed the whole log (<see cref="DetectionEngine.MergePartition"/>).
/// </summary>
[Collection("simulated traffic")]
public sealed class PartitionMergeTests(SimulatedTraffic sim)
{
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Partitions_merged_give_the_findings_of_the_whole_log(int partitions)
    {
        var accounts = AccountsFileReader.Read(InputSource.File(sim.Accounts), e => throw new InvalidOperationException(e.ToString()));
        var census = new LogCensus(width: 1 << 20);
        var analyzer = new DetectionEngine().CreateAnalyzer();
        var analysis = new ExchangeAnalysis();
        Read(x =>
        {
            analyzer.Analyze(x, analysis);
            census.Observe(x, analysis);
        });

        var whole = NewEngine(census);
        foreach (var m in accounts) whole.RegisterAccount(m);
        Read(x => whole.Process(x));
        whole.Finish();

        int PartitionOf(ReadOnlySpan<char> account) => (int)(Hash64.Of(account) % (ulong)partitions);
        var parts = Enumerable.Range(0, partitions).Select(_ => NewEngine(census)).ToArray();
        foreach (var m in accounts) parts[PartitionOf(m.AccountId)].RegisterAccount(m);
        Read(x => parts[PartitionOf(x.AccountId)].Process(x));
        var merged = NewEngine(census);
        foreach (var part in parts) merged.MergePartition(part);
        merged.Finish();

        var expected = Findings(whole);
        var actual = Findings(merged);
        Assert.True(expected.Accounts.Count(a => a.Verdict == "attack") >= 1000);
        Assert.True(expected.Campaigns.Count >= 10);
        Assert.Equal(whole.ExchangeCount, merged.ExchangeCount);
        Assert.Equal(Verdicts(expected), Verdicts(actual));
        Assert.Equal(Campaigns(expected), Campaigns(actual));
    }

    [Fact]
    public void An_account_in_two_partitions_is_refused()
    {
        var census = new LogCensus(width: 1 << 10);
        var a = NewEngine(census);
        var b = NewEngine(census);
        a.RegisterAccount(new AccountMetadata("acct-1"));
        b.RegisterAccount(new AccountMetadata("acct-1"));
        var merged = NewEngine(census);
        merged.MergePartition(a);
        Assert.Throws<InvalidOperationException>(() => merged.MergePartition(b));
        Assert.Throws<InvalidOperationException>(() => new DetectionEngine().MergePartition(NewEngine(census)));
    }

    private static DetectionEngine NewEngine(LogCensus census)
    {
        var engine = new DetectionEngine();
        engine.UseCensus(census);
        return engine;
    }

    private void Read(Action<Exchange> each)
    {
        var x = new Exchange();
        new ExchangeLogReader([InputSource.File(sim.Traffic)]).Run(() => x, (e, _, _) => each(e), e => throw new InvalidOperationException(e.ToString()));
    }

    private static FindingsDocument Findings(DetectionEngine engine) => FindingsBuilder.Build(engine, new InputSummary());

    private static SortedDictionary<string, string> Verdicts(FindingsDocument doc) =>
        new(doc.Accounts.ToDictionary(a => a.AccountId, a => a.Verdict), StringComparer.Ordinal);

    private static List<string> Campaigns(FindingsDocument doc) =>
        doc.Accounts.Where(a => a.CampaignId is not null).GroupBy(a => a.CampaignId)
            .Select(g => string.Join(",", g.Select(a => a.AccountId).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
}
