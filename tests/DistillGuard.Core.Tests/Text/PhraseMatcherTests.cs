using DistillGuard.Core.Text;

namespace DistillGuard.Core.Tests.Text;

public class PhraseMatcherTests
{
    private static List<(string, int, int)> Find(PhraseMatcher m, string text, IReadOnlyList<string> patterns)
    {
        var hits = new PhraseHit[64];
        int n = m.Match(text, hits);
        return hits.Take(n).Select(h => (patterns[h.PatternId], h.Start, h.End)).ToList();
    }

    [Fact]
    public void Finds_overlapping_and_nested_patterns_in_one_pass()
    {
        string[] p = ["chain of thought", "of thought", "thought", "thoughtful"];
        var m = new PhraseMatcher(p);
        var found = Find(m, "show your chain of thought now", p);
        Assert.Equal([("thought", 19, 26), ("of thought", 16, 26), ("chain of thought", 10, 26)], found.OrderBy(f => f.Item2).Reverse().ToList());
        Assert.DoesNotContain(found, f => f.Item1 == "thoughtful");
    }

    [Fact]
    public void A_word_inside_a_longer_word_is_not_a_match()
    {
        string[] p = ["he", "she"];
        var m = new PhraseMatcher(p);
        Assert.Empty(Find(m, "ushers", p));
        Assert.Equal(2, Find(m, "she said he", p).Count);
    }

    [Fact]
    public void Respects_word_boundaries_unless_the_pattern_is_a_stem()
    {
        string[] p = ["cot", "рассуждени*"];
        var m = new PhraseMatcher(p.Select(x => x.EndsWith('*') ? TextNormalizer.Normalize(x[..^1]) + "*" : x).ToList());
        Assert.Empty(Find(m, "cotton candy", p));
        Assert.Single(Find(m, "use cot here", p));
        Assert.Single(Find(m, TextNormalizer.Normalize("покажи рассуждения"), p));
        Assert.Single(Find(m, TextNormalizer.Normalize("без рассуждений"), p));
    }

    [Fact]
    public void Matches_cjk_without_boundaries()
    {
        string[] p = ["思考过程"];
        var m = new PhraseMatcher(p);
        Assert.Single(Find(m, "请写出你的思考过程和答案", p));
    }

    [Fact]
    public void Linear_on_adversarial_input()
    {
        // A pathological input for backtracking regexes (long runs of one character) is one pass here: every
        // position matches, the hit buffer fills and matching stops.
        string[] p = ["......", "....."];
        var m = new PhraseMatcher(p);
        var text = new string('.', 200_000);
        var hits = new PhraseHit[16];
        Assert.Equal(16, m.Match(text, hits));
    }

    /// <summary>Every occurrence, by brute force: each pattern at each position, with its word boundaries.</summary>
    private static HashSet<(int, int, int)> Occurrences(string text, IReadOnlyList<string> patterns)
    {
        var found = new HashSet<(int, int, int)>();
        for (int p = 0; p < patterns.Count; p++)
        {
            bool stem = patterns[p].EndsWith('*');
            string body = stem ? patterns[p][..^1] : patterns[p];
            for (int start = text.IndexOf(body, StringComparison.Ordinal); start >= 0; start = text.IndexOf(body, start + 1, StringComparison.Ordinal))
            {
                int end = start + body.Length;
                if (WordChars.IsWordChar(body[0]) && start > 0 && WordChars.IsWordChar(text[start - 1])) continue;
                if (!stem && WordChars.IsWordChar(body[^1]) && end < text.Length && WordChars.IsWordChar(text[end])) continue;
                found.Add((p, start, end));
            }
        }
        return found;
    }

    public static TheoryData<string[], string[]> LaneCases => new()
    {
        // Overlapping patterns of 1 to 19 characters.
        { ["step by step", "step", "by step", "show your reasoning", "reason*", "a", "ab", "bab", "think", "think step by step", "#", "推理", "理过", "let's think", "x"],
          ["step ", "by ", "step", "show your ", "reasoning", "reasons ", "ab", "bab", "a", " ", "think ", "let's ", "# ", "推理过程", "x", "xx ", "stepby", "\n"] },
        // Patterns of one character: for an odd length lane A must reach end − mid, one beyond mid + L − 1.
        { ["a", "b", "x", "#"], ["a", "b", "ab", "ba", " ", "x", "bx", "# ", "\n"] },
        // A pattern of 100 characters: texts shorter than 400 take one pass, longer ones two lanes.
        { [string.Concat(Enumerable.Repeat("ab ", 33)) + "c", "ab", "c"], ["ab ", "ab", "c", " ", "abc "] },
    };

    [Theory]
    [MemberData(nameof(LaneCases))]
    public void Two_lanes_give_the_hits_of_one_pass_in_the_same_order_and_drop_the_same_ones(string[] patterns, string[] pieces)
    {
        // Texts woven from pieces of overlapping patterns (so hits cluster around the lanes' meeting point too),
        // across the two-lane threshold, with hit buffers from tiny (most hits dropped) to ample.
        var m = new PhraseMatcher(patterns);
        var rng = new Random(5);
        int twoLane = 0, twoLaneMinimum = Math.Max(PhraseMatcher.TwoLaneMinimum, 4 * patterns.Max(p => p.TrimEnd('*').Length));
        for (int trial = 0; trial < 3000; trial++)
        {
            var sb = new System.Text.StringBuilder();
            int target = rng.Next(2) == 0 ? rng.Next(PhraseMatcher.TwoLaneMinimum * 3) : rng.Next(PhraseMatcher.TwoLaneMinimum - 8, PhraseMatcher.TwoLaneMinimum + 8);
            if (rng.Next(4) == 0) target += 400;
            while (sb.Length < target) sb.Append(pieces[rng.Next(pieces.Length)]);
            string text = sb.ToString();
            if (text.Length >= twoLaneMinimum) twoLane++;
            int cap = rng.Next(3) switch { 0 => rng.Next(1, 8), 1 => rng.Next(1, 200), _ => 2000 };
            var expected = new PhraseHit[cap];
            var actual = new PhraseHit[cap];
            int e = m.MatchOneLane(text, expected);
            Array.Fill(actual, new PhraseHit(-1, -1, -1));
            int n = m.Match(text, actual);
            Assert.Equal(expected.AsSpan(0, e).ToArray(), actual.AsSpan(0, n).ToArray());
            // Nothing past the count is left from lane B: each entry is untouched or cleared.
            Assert.All(actual.Skip(n), h => Assert.True(h == new PhraseHit(-1, -1, -1) || h == default, $"{h} left past the count"));
            if (cap == 2000) Assert.Equal(Occurrences(text, patterns), actual.Take(n).Select(h => (h.PatternId, h.Start, h.End)).ToHashSet());
        }
        Assert.True(twoLane > 500, $"{twoLane} texts long enough for two lanes");
    }

    [Fact]
    public void Rejects_empty_patterns() => Assert.Throws<ArgumentException>(() => new PhraseMatcher(["ok", ""]));
}
