using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Tests.Similarity;

public class SketchTests
{
    private static ulong[] Set(int from, int count) => Enumerable.Range(from, count).Select(i => Hash64.Mix((ulong)i + 1)).ToArray();

    [Theory]
    [InlineData(0, 1000, 0, 1000)]     // identical: J = 1
    [InlineData(0, 1000, 500, 1000)]   // J = 500 / 1500
    [InlineData(0, 1000, 900, 1000)]   // J = 100 / 1900
    [InlineData(0, 1000, 5000, 1000)]  // disjoint: J = 0
    public void One_permutation_minhash_estimates_jaccard(int fromA, int countA, int fromB, int countB)
    {
        var a = Set(fromA, countA);
        var b = Set(fromB, countB);
        double exact = (double)a.Intersect(b).Count() / a.Union(b).Count();
        var sa = new uint[256];
        var sb = new uint[256];
        OnePermutationMinHash.Compute(a, sa);
        OnePermutationMinHash.Compute(b, sb);
        Assert.InRange(OnePermutationMinHash.EstimateJaccard(sa, sb), exact - 0.08, exact + 0.08);
    }

    [Fact]
    public void Densification_fills_every_bin_and_keeps_identical_sets_identical()
    {
        var few = Set(0, 3); // far fewer shingles than bins
        var s1 = new uint[64];
        var s2 = new uint[64];
        OnePermutationMinHash.Compute(few, s1);
        OnePermutationMinHash.Compute(few.Reverse().ToArray(), s2);
        Assert.DoesNotContain(uint.MaxValue, s1);
        Assert.Equal(s1, s2);
    }

    [Fact]
    public void Empty_input_gives_an_empty_signature()
    {
        var s = new uint[16];
        OnePermutationMinHash.Compute([], s);
        Assert.All(s, v => Assert.Equal(uint.MaxValue, v));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void HyperLogLog_counts_within_its_error(int n)
    {
        var registers = new byte[256];
        foreach (var h in Set(0, n)) HyperLogLog.Add(registers, h);
        foreach (var h in Set(0, n)) HyperLogLog.Add(registers, h); // duplicates do not count
        double estimate = HyperLogLog.Estimate(registers);
        Assert.InRange(estimate, n * 0.8, n * 1.2); // 1.04/√256 = 6.5% standard error; ±20% is 3σ
    }

    [Fact]
    public void Count_min_never_undercounts()
    {
        var cms = new CountMinSketch(1024, 4);
        var rng = new Random(7);
        var truth = new Dictionary<ulong, uint>();
        for (int i = 0; i < 20_000; i++)
        {
            ulong k = (ulong)rng.Next(3000);
            truth[k] = truth.GetValueOrDefault(k) + 1;
            cms.Increment(k);
        }
        foreach (var (k, n) in truth) Assert.True(cms.Estimate(k) >= n);
        // Conservative update keeps the average overcount small: below e·N/w per item on average.
        double over = truth.Average(kv => cms.Estimate(kv.Key) - (double)kv.Value);
        Assert.True(over < Math.E * 20_000 / 1024, $"mean overcount {over}");
    }

    [Fact]
    public void Conservative_update_raises_exactly_the_rows_below_the_new_minimum()
    {
        // Conservative update (Estan and Varghese, 2002), checked on the exported counters: the key's slot in row d is
        // Mix(key + d·φ) mod width; every slot below min + 1 is raised to it, and no other counter changes.
        const int width = 256, depth = 4;
        var cms = new CountMinSketch(width, depth);
        var rng = new Random(11);
        for (int i = 0; i < 5000; i++)
        {
            ulong key = (ulong)rng.Next(600) * 0x9E37_79B9UL;
            var before = cms.Export();
            var slots = Enumerable.Range(0, depth).Select(d => d * width + (int)(Hash64.Mix(key + (ulong)d * 0x9E3779B97F4A7C15UL) & (width - 1))).ToArray();
            uint target = slots.Min(s => before[s]) + 1;
            var expected = (uint[])before.Clone();
            foreach (var s in slots) expected[s] = Math.Max(expected[s], target);
            Assert.Equal(target, cms.Increment(key));
            Assert.Equal(expected, cms.Export());
            Assert.Equal(target, cms.Estimate(key));
        }
    }

    [Fact]
    public void Template_counter_sees_recurring_keys_and_forgets_old_ones()
    {
        var t = new TemplateCounter(width: 1 << 12, depth: 3, generationSize: 1000);
        for (int i = 0; i < 5; i++) t.Increment(42);
        Assert.True(t.Estimate(42) >= 5);
        for (ulong i = 0; i < 500; i++) Assert.True(t.Increment(1_000_000 + i) <= 3); // one-off keys stay low
        for (ulong i = 0; i < 2500; i++) t.Increment(2_000_000 + i); // two rotations later…
        Assert.True(t.Estimate(42) <= 2, $"42 still {t.Estimate(42)}");
    }

    [Fact]
    public void Shingles_of_short_texts_collapse_to_one()
    {
        var tokens = new ulong[] { 1, 2, 3 };
        var s = new ulong[8];
        Assert.Equal(1, Shingles.Hash(tokens, 5, s));
        Assert.Equal(2, Shingles.Hash(tokens, 2, s));
    }

    [Fact]
    public void Tokenizer_splits_words_and_each_ideograph()
    {
        var t = new ulong[16];
        Assert.Equal(3, Tokenizer.Hash("show your work", t));
        Assert.Equal(4, Tokenizer.Hash("思考过程", t));
        Assert.Equal(Tokenizer.Count("a b 思考"), Tokenizer.Hash("a b 思考", t));
    }
}
