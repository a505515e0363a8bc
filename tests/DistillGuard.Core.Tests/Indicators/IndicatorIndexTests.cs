using DistillGuard.Core.Indicators;

namespace DistillGuard.Core.Tests.Indicators;

/// <summary>
/// The posting store against a plain reference model of posting-list semantics (dictionary of lists), under random
/// operations designed to exercise what the struct-of-arrays store does differently: colliding table positions,
/// member blocks that grow, blocks freed by popular lists and reused by others, and membership sets for long lists.
/// </summary>
public sealed class IndicatorIndexTests
{
    private sealed class Model
    {
        public readonly List<int> Members = [];
        public int Total;
        public bool Popular;
        public int Exchanges;
        public double ContentSum;
    }

    private static ulong Traffic(ulong i) => ((ulong)IndicatorKind.PromptTemplate << 60) | i;
    private static ulong Registry(ulong i) => ((ulong)IndicatorKind.Payment << 60) | i;

    [Fact]
    public void Random_operations_match_the_reference_model()
    {
        const int cap = 40, stored = 16;
        var index = new IndicatorIndex(postingCap: cap, storedMembers: stored);
        var model = new Dictionary<ulong, Model>();
        var rng = new Random(7);
        // 600 keys whose low 12 bits take only 8 values: long probe chains in the open-addressing table.
        var keys = new ulong[600];
        for (int i = 0; i < keys.Length; i++)
        {
            ulong low = ((ulong)i / 8 << 12) | ((ulong)i % 8);
            keys[i] = i % 3 == 0 ? Registry(low) : Traffic(low);
        }
        for (int step = 0; step < 60_000; step++)
        {
            ulong key = keys[rng.Next(keys.Length)];
            if (rng.Next(5) == 0)
            {
                float score = rng.Next(100) / 100f;
                index.CountContent(key, score);
                if (model.TryGetValue(key, out var c)) { c.Exchanges++; c.ContentSum += score; }
                continue;
            }
            int account = rng.Next(60);
            Assert.True(index.AddPosting(key, account, out var posting));
            if (!model.TryGetValue(key, out var m)) model[key] = m = new Model();
            if (m.Popular) m.Total++;
            else if (!m.Members.Contains(account))
            {
                // A traffic list stores its first `stored` members and counts the rest; an account counted but not
                // stored counts again when it is posted again (the index cannot tell).
                m.Total++;
                if (m.Total > cap) { m.Popular = true; m.Members.Clear(); }
                else if (m.Members.Count < (IndicatorKey.IsRegistry(key) ? cap : stored)) m.Members.Add(account);
            }
            Assert.Equal(m.Total, posting.AccountTotal);
        }
        Assert.Equal(model.Count, index.PostingCount);
        foreach (var (key, m) in model)
        {
            Assert.True(index.TryGetPosting(key, out var p));
            Assert.Equal(m.Members, p.Accounts.ToArray());
            Assert.Equal(m.Total, p.AccountTotal);
            Assert.Equal(m.Popular, p.Popular);
            Assert.Equal(m.Exchanges, p.Exchanges);
            Assert.Equal(m.ContentSum, p.ContentSum, 9);
            for (int a = 0; a < 60; a++) Assert.Equal(m.Members.Contains(a), p.Contains(a));
        }
        Assert.Contains(model.Values, m => m.Popular);
        Assert.Contains(model.Values, m => m.Members.Count > 16);
        // Enumeration yields every posting once, under its own key.
        Assert.Equal(model.Keys.Order(), index.Postings.Select(kv => kv.Key).Order());
        Assert.All(index.Postings, kv => Assert.Equal(model[kv.Key].Total, kv.Value.AccountTotal));
        Assert.False(index.TryGetPosting(Traffic(1UL << 40), out _));
    }

    [Fact]
    public void Freed_member_blocks_are_reused_without_disturbing_other_lists()
    {
        var index = new IndicatorIndex(postingCap: 8, storedMembers: 8);
        // Key 1 grows to 8 members (blocks of 2, 4, 8), then becomes popular and frees its block; key 2 then grows
        // through the freed blocks while key 3 keeps its members.
        for (int a = 0; a < 8; a++) index.AddPosting(Traffic(1), a, out _);
        for (int a = 100; a < 103; a++) index.AddPosting(Traffic(3), a, out _);
        index.AddPosting(Traffic(1), 8, out var popular);
        Assert.True(popular.Popular);
        Assert.Equal(0, popular.Accounts.Length);
        Assert.Equal(0, popular.MemberBytes);
        for (int a = 200; a < 208; a++) index.AddPosting(Traffic(2), a, out _);
        index.TryGetPosting(Traffic(2), out var grown);
        index.TryGetPosting(Traffic(3), out var kept);
        Assert.Equal(Enumerable.Range(200, 8), grown.Accounts.ToArray());
        Assert.Equal(32, grown.MemberBytes);
        Assert.Equal([100, 101, 102], kept.Accounts.ToArray());
        // Popular lists keep counting accounts.
        index.AddPosting(Traffic(1), 9, out popular);
        Assert.Equal(10, popular.AccountTotal);
    }

    [Fact]
    public void A_full_index_refuses_new_indicators_and_counts_them()
    {
        var index = new IndicatorIndex(maxPostings: 2);
        Assert.True(index.AddPosting(Traffic(1), 0, out _));
        Assert.True(index.AddPosting(Traffic(2), 0, out _));
        Assert.False(index.AddPosting(Traffic(3), 0, out _));
        Assert.False(index.TryGetPosting(Traffic(3), out _));
        Assert.True(index.AddPosting(Traffic(1), 1, out var existing));
        Assert.Equal(2, existing.AccountTotal);
        Assert.Equal(1, index.PostingsRefused);
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(32_769, 16)]
    [InlineData(1024, 1)]
    public void Limits_outside_the_store_are_refused(int postingCap, int storedMembers) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new IndicatorIndex(postingCap: postingCap, storedMembers: storedMembers));

    [Fact]
    public void Display_text_is_stored_per_posting()
    {
        var index = new IndicatorIndex();
        index.AddPosting(Traffic(1), 0, out var a);
        index.AddPosting(Traffic(2), 0, out var b);
        a.Display = "203.0.113.0/24";
        Assert.Equal("203.0.113.0/24", index.TryGetPosting(Traffic(1), out var again) ? again.Display : null);
        Assert.Null(b.Display);
    }

    [Fact]
    public void Display_text_survives_its_compact_storage_and_bands_of_one_prompt_share_it()
    {
        var index = new IndicatorIndex();
        string prompt = "prompt: Résumé → 简历, naïve 🙂";
        string unpaired = "prompt: cut in a pair \ud83d";
        for (ulong k = 1; k <= 8; k++)
        {
            index.AddPosting(Traffic(k), 0, out var band);
            band.Display = prompt;
        }
        index.AddPosting(Traffic(9), 0, out var odd);
        odd.Display = unpaired;
        index.AddPosting(Traffic(10), 0, out var none);

        Assert.All(Enumerable.Range(1, 8), k => Assert.Equal(prompt, index.TryGetPosting(Traffic((ulong)k), out var p) ? p.Display : null));
        Assert.Equal(unpaired, odd.Display);
        Assert.True(odd.HasDisplay);
        Assert.False(none.HasDisplay);
        var (count, bytes) = index.DisplayCensus();
        Assert.Equal(2, count);
        Assert.Equal(24 + System.Text.Encoding.UTF8.GetByteCount(prompt) + 22 + 2 * unpaired.Length, bytes);
    }
}
