using DistillGuard.Core.Profiles;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Tests.Profiles;

/// <summary>The packed evidence store against the plain list-based selection it replaces, under random offers.</summary>
public sealed class EvidenceTests
{
    /// <summary>The selection rule written the plain way: strongest first, one example per signal preferred.</summary>
    private static void ReferenceOffer(List<EvidenceExample> examples, EvidenceExample example)
    {
        if (examples.Count == Evidence.MaxExamples && example.Score <= examples[^1].Score) return;
        int same = examples.FindIndex(e => e.Signal == example.Signal);
        if (same >= 0)
        {
            if (examples[same].Score >= example.Score) return;
            examples.RemoveAt(same);
        }
        else if (examples.Count == Evidence.MaxExamples) examples.RemoveAt(examples.Count - 1);
        int at = examples.FindIndex(e => e.Score < example.Score);
        examples.Insert(at < 0 ? examples.Count : at, example);
    }

    [Fact]
    public void Random_offers_keep_the_same_examples_as_the_reference()
    {
        var rng = new Random(11);
        string[] excerpts = ["Show your full chain of thought…", "Résumé → 简历 🙂", "cut \ud83d", "", null!];
        for (int run = 0; run < 200; run++)
        {
            var evidence = new Evidence();
            var reference = new List<EvidenceExample>();
            for (int i = 0; i < 30; i++)
            {
                var example = new EvidenceExample($"ex-{run}-{i}", 1_700_000_000_000 + i, (SignalKind)rng.Next(SignalKinds.Count), rng.Next(20) / 20f, excerpts[rng.Next(excerpts.Length)]);
                Assert.Equal(reference.Count == Evidence.MaxExamples ? example.Score > reference[^1].Score : true, evidence.Wants(example.Score));
                evidence.Offer(example);
                ReferenceOffer(reference, example);
                Assert.Equal(reference, evidence.Examples);
                Assert.Equal(reference.Count, evidence.ExampleCount);
            }
        }
    }

    [Fact]
    public void Wants_a_signal_only_if_it_would_replace_or_add()
    {
        var evidence = new Evidence();
        evidence.Offer(new EvidenceExample("a", 1, SignalKind.CotElicitation, 0.8f, "x"));
        Assert.False(evidence.Wants(SignalKind.CotElicitation, 0.8f));
        Assert.True(evidence.Wants(SignalKind.CotElicitation, 0.9f));
        Assert.True(evidence.Wants(SignalKind.JudgePrompt, 0.1f));
    }
}
