using DistillGuard.Core.Reference;
using DistillGuard.Core.Similarity;
using DistillGuard.Core.Text;
using DistillGuard.TestSupport;

namespace DistillGuard.Core.Tests.Reference;

public class ReferenceIndexTests
{
    private static ulong[] ShinglesOf(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        var tokens = new ulong[normalized.Length + 1];
        int t = Tokenizer.Hash(normalized, tokens);
        var shingles = new ulong[t + 1];
        int s = Shingles.Hash(tokens.AsSpan(0, t), ReferenceIndex.ShingleWidth, shingles);
        return shingles[..s];
    }

    [Fact]
    public void Built_index_round_trips_and_finds_items_inside_other_text()
    {
        var b = new ReferenceIndexBuilder();
        b.Add("toy", "The quick brown fox jumps over the lazy dog near the river bank today");
        b.Add("toy", "Compute the derivative of x squared plus three x minus seven with respect to x");
        var index = b.Build();
        using var ms = new MemoryStream();
        index.Save(ms);
        ms.Position = 0;
        var loaded = ReferenceIndex.Load(ms);
        Assert.Equal(2, loaded.ItemCount);
        var hit = loaded.Lookup(ShinglesOf("Please answer: compute the derivative of x squared plus three x minus seven with respect to x. Thanks"));
        Assert.Equal("toy", hit?.Dataset);
        Assert.Null(loaded.Lookup(ShinglesOf("An unrelated sentence about cooking pasta with garlic and olive oil tonight")));
    }

    [Fact]
    public void Corrupt_files_are_rejected_with_a_clear_error()
    {
        using var ms = new MemoryStream([1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => ReferenceIndex.Load(ms));
    }

    [Fact]
    public void Built_in_index_covers_public_benchmarks()
    {
        var index = ReferenceIndex.LoadBuiltIn();
        Assert.Contains("gsm8k", index.Datasets);
        Assert.Contains("humaneval", index.Datasets);
        Assert.True(index.ItemCount > 20_000);
        int found = Corpora.Texts("gsm8k.jsonl.gz", limit: 300).Count(q => index.Lookup(ShinglesOf(q))?.Dataset == "gsm8k");
        Assert.True(found >= 290, $"{found} of 300 GSM8K questions found");
    }

    [Fact]
    public void Templates_match_when_their_placeholders_are_filled()
    {
        var b = new ReferenceIndexBuilder();
        b.Add("template:toy", "Please act as a careful grader of answers. {question} Compare the two responses below and say which one is more helpful to the user. {answer_a} {answer_b}", template: true);
        var index = b.Build();
        var filled = "Please act as a careful grader of answers. What is the capital of France? Compare the two responses below and say which one is more helpful to the user. Paris. Lyon.";
        Assert.NotNull(index.Lookup(ShinglesOf(filled)));
    }

    [Fact]
    public void Merge_keeps_both_sides()
    {
        var a = new ReferenceIndexBuilder();
        a.Add("one", "alpha beta gamma delta epsilon zeta eta theta iota kappa");
        var b = new ReferenceIndexBuilder();
        b.Add("two", "lorem ipsum dolor sit amet consectetur adipiscing elit sed do");
        var merged = ReferenceIndex.Merge(a.Build(), b.Build());
        Assert.Equal(["one", "two"], merged.Datasets);
        Assert.Equal("two", merged.Lookup(ShinglesOf("lorem ipsum dolor sit amet consectetur adipiscing elit sed do"))?.Dataset);
        Assert.Equal("one", merged.Lookup(ShinglesOf("alpha beta gamma delta epsilon zeta eta theta iota kappa"))?.Dataset);
    }
}
