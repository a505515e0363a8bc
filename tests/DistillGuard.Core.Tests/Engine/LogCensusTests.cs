using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Similarity;
using static DistillGuard.Core.Tests.Engine.EngineFixture;

namespace DistillGuard.Core.Tests.Engine;

public sealed class LogCensusTests
{
    private static ulong Key(int i) => IndicatorKey.Make(IndicatorKind.PromptTemplate, (ulong)i);

    [Fact]
    public void A_key_recurs_from_its_third_sighting()
    {
        // 64 keys in 2^16 counters per row: no collisions for these fixed hashes (checked by the zero-count keys).
        var census = new LogCensus(width: 1 << 16);
        for (int i = 0; i < 64; i++)
            for (int n = 0; n < i % 5; n++) census.Count(Key(i));
        for (int i = 0; i < 64; i++) Assert.Equal(i % 5 >= DetectionEngine.TemplateThreshold, census.Recurring(Key(i)));
    }

    [Fact]
    public void Merged_partitions_answer_as_one_census_of_the_whole_log()
    {
        // Small, collision-heavy sketches: the merge must reproduce collisions and saturation exactly, too.
        var rng = new Random(3);
        var sightings = Enumerable.Range(0, 20_000).Select(_ => Key(rng.Next(3_000))).ToArray();
        var whole = new LogCensus(width: 1 << 10);
        foreach (var k in sightings) whole.Count(k);
        var parts = Enumerable.Range(0, 3).Select(_ => new LogCensus(width: 1 << 10)).ToArray();
        for (int i = 0; i < sightings.Length; i++) parts[rng.Next(3)].Count(sightings[i]);
        parts[0].Merge(parts[1]);
        parts[0].Merge(parts[2]);
        for (int i = 0; i < 4_000; i++) Assert.Equal(whole.Recurring(Key(i)), parts[0].Recurring(Key(i)));
        Assert.Throws<ArgumentException>(() => whole.Merge(new LogCensus(width: 1 << 11)));
    }

    [Fact]
    public void The_same_content_gathered_in_another_order_gives_the_same_bytes()
    {
        // Regression: models were written in insertion order, so the merge of a log's partition censuses and the
        // census of the whole log differed in their bytes though not in content.
        static Exchange Sent(string account, string model, int minutes)
        {
            var x = TestSupport.TestExchanges.Make(account, "hello " + model, minutes: minutes);
            x.SetModel(model);
            return x;
        }
        // Issuers likewise: each exchange's response issues reasoning signatures.
        var first = Sent("acct-1", "model-b", 5);
        first.AddResponseSignature(0xB0B0);
        first.AddResponseSignature(0x0A0A);
        var second = Sent("acct-2", "model-a", 7);
        second.AddResponseSignature(0x0101);
        var a = new LogCensus(width: 1 << 10);
        var b = new LogCensus(width: 1 << 10);
        var analysis = new ExchangeAnalysis();
        foreach (var x in new[] { first, second }) a.Observe(x, analysis);
        foreach (var x in new[] { second, first }) b.Observe(x, analysis);
        Assert.NotEqual(a.ModelFirstSeen.Keys.First(), b.ModelFirstSeen.Keys.First()); // really gathered in another order
        Assert.Equal(3, a.Signatures);
        Assert.Equal(a.ToBytes(), b.ToBytes());
    }

    [Fact]
    public void A_census_read_back_from_bytes_answers_as_the_original()
    {
        var rng = new Random(9);
        var census = new LogCensus(width: 1 << 12);
        for (int i = 0; i < 20_000; i++) census.Count(Key(rng.Next(6_000)));
        var x = TestSupport.TestExchanges.Make("acct-1", "hello", minutes: 5);
        x.SetModel("model-a");
        census.Observe(x, new ExchangeAnalysis());
        var back = LogCensus.FromBytes(census.ToBytes());
        Assert.Equal((census.Width, census.Depth, census.Exchanges, census.StreamStartMs), (back.Width, back.Depth, back.Exchanges, back.StreamStartMs));
        for (int i = 0; i < 6_000; i++) Assert.Equal(census.Recurring(Key(i)), back.Recurring(Key(i)));
        Assert.Equal(census.ModelFirstSeen, back.ModelFirstSeen);
        Assert.Equal(census.ToBytes(), back.ToBytes());
        var bytes = census.ToBytes();
        Assert.Throws<InvalidDataException>(() => LogCensus.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => LogCensus.FromBytes([0, 0, 0, 0]));
    }

    [Fact]
    public void Plain_count_min_update_gives_the_same_counters_in_any_order_and_conservative_update_does_not()
    {
        var rng = new Random(5);
        var keys = Enumerable.Range(0, 5_000).Select(_ => (ulong)rng.Next(2_000)).ToArray();
        var reversed = keys.Reverse().ToArray();
        uint[] Counters(ulong[] order, bool conservative)
        {
            var sketch = new CountMinSketch(256, 4, conservative);
            foreach (var k in order) sketch.Increment(k);
            return sketch.Export();
        }
        Assert.Equal(Counters(keys, conservative: false), Counters(reversed, conservative: false));
        Assert.NotEqual(Counters(keys, conservative: true), Counters(reversed, conservative: true));
    }

    [Fact]
    public void Order_free_postings_keep_the_holders_of_smallest_rank_whatever_the_order()
    {
        ulong Rank(int account) => Hash64.Mix((ulong)account + 1);
        var key = IndicatorKey.Make(IndicatorKind.Ip, 42);
        var accounts = Enumerable.Range(0, 100).ToArray();
        int[] Stored(IEnumerable<int> order)
        {
            var index = new IndicatorIndex();
            index.UseOrderFreeBookkeeping(Rank);
            foreach (var a in order) index.AddPosting(key, a, out _);
            Assert.True(index.TryGetPosting(key, out var posting));
            Assert.Equal(100, posting.AccountTotal);
            return posting.Accounts.ToArray().Order().ToArray();
        }
        var expected = accounts.OrderBy(a => Rank(a) | 1).Take(IndicatorIndex.DefaultStoredMembers).Order().ToArray();
        Assert.Equal(expected, Stored(accounts));
        Assert.Equal(expected, Stored(accounts.Reverse()));
        Assert.Equal(expected, Stored(accounts.OrderBy(a => (a * 37) % 101)));
    }

    [Fact]
    public void Order_free_bookkeeping_must_start_on_an_unused_index()
    {
        var index = new IndicatorIndex();
        index.CountAccount(IndicatorKey.Make(IndicatorKind.Ip, 1));
        Assert.Throws<InvalidOperationException>(() => index.UseOrderFreeBookkeeping(a => (ulong)a));
    }

    [Fact]
    public void An_engine_takes_a_census_only_before_it_holds_accounts()
    {
        var engine = new DetectionEngine();
        engine.RegisterAccount(new Core.Profiles.AccountMetadata("a"));
        Assert.Throws<InvalidOperationException>(() => engine.UseCensus(new LogCensus(width: 1 << 10)));
    }

    /// <summary>A census of <paramref name="traffic"/> built the way the scan's first pass builds it.</summary>
    private static LogCensus CensusOf(IEnumerable<Exchange> traffic, int width = 1 << 12)
    {
        var census = new LogCensus(width);
        var analyzer = new DetectionEngine().CreateAnalyzer();
        var analysis = new ExchangeAnalysis();
        foreach (var x in traffic)
        {
            analyzer.Analyze(x, analysis);
            census.Observe(x, analysis);
        }
        return census;
    }

    [Fact]
    public void Merged_partitions_count_shared_registry_facts_as_one_engine_does()
    {
        // Regression: promotion posted an account's payment, e-mail domain and creation-burst keys a second time; a
        // list over the posting cap counts every post, so one engine counted each flagged account twice (9 instead of
        // 6 here) while partitions under the cap did not.
        var options = new EngineOptions { PostingCap = 4, ReconcileInterval = 256 };
        var questions = Questions(60);
        long created = TestSupport.TestExchanges.At(-60 * 24);
        var meta = Enumerable.Range(0, 6).Select(i => new AccountMetadata($"acct-{i}", created, EmailDomain: "burst.example", PaymentFingerprint: "card")).ToList();
        var traffic = new List<Exchange>();
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 20; k++) traffic.Add(Ex($"acct-{i}", string.Format(Elicitations[k % 2], questions[i * 20 + k]), k * 10 + i, "198.51.100.7"));
        traffic = traffic.OrderBy(x => x.TimestampMs).ToList();
        var census = CensusOf(traffic);
        DetectionEngine New()
        {
            var e = new DetectionEngine(options);
            e.UseCensus(census);
            return e;
        }
        var whole = New();
        foreach (var m in meta) whole.RegisterAccount(m);
        foreach (var x in traffic) whole.Process(x);
        whole.Finish();
        var parts = new[] { New(), New() };
        int PartOf(string id) => int.Parse(id[^1..]) % 2;
        foreach (var m in meta) parts[PartOf(m.AccountId)].RegisterAccount(m);
        foreach (var x in traffic) parts[PartOf(x.AccountId.ToString())].Process(x);
        var merged = New();
        foreach (var p in parts) merged.MergePartition(p);
        merged.Finish();

        Assert.All(meta.Take(3), m => Assert.True(whole.Find(m.AccountId)!.Candidate));
        var payment = IndicatorKey.Of(IndicatorKind.Payment, "card");
        var burst = IndicatorKey.Of(IndicatorKind.CreationBurst, $"burst.example@{created / 3_600_000}");
        Assert.Equal(6u, whole.Indicators.DocumentFrequency(payment));
        Assert.Equal(6u, merged.Indicators.DocumentFrequency(payment));
        Assert.Equal(6u, whole.Indicators.DocumentFrequency(burst));
        Assert.Equal(6u, merged.Indicators.DocumentFrequency(burst));
        Assert.All(meta, m => Assert.Equal(whole.Find(m.AccountId)!.OwnRisk, merged.Find(m.AccountId)!.OwnRisk));
    }

    [Fact]
    public void An_account_promoted_by_an_exchange_counts_once_in_the_postings_of_that_exchange()
    {
        // Regression: Promote posted the exchange's new keys and RegisterNewKeys posted them again, and order-free
        // bookkeeping counts every post on a traffic list: the IP below counted 2.
        var x = Ex("solo", string.Format(Elicitations[0], Questions(1)[0]), 0, "198.51.100.77");
        var census = CensusOf([x], width: 1 << 10);
        var engine = new DetectionEngine();
        engine.UseCensus(census);
        engine.Process(x);
        Assert.True(engine.Find("solo")!.Candidate);
        Assert.True(engine.Indicators.TryGetPosting(IndicatorKey.Of(IndicatorKind.Ip, "198.51.100.77"), out var posting));
        Assert.Equal(1, posting.AccountTotal);
        Assert.Equal(new[] { engine.Find("solo")!.Index }, posting.Accounts.ToArray());
    }
}
