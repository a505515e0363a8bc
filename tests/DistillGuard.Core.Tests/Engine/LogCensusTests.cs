using DistillGuard.Core.Engine;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Similarity;

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
}
