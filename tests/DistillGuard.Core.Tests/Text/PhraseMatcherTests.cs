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

    [Fact]
    public void Rejects_empty_patterns() => Assert.Throws<ArgumentException>(() => new PhraseMatcher(["ok", ""]));
}
