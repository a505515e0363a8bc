using DistillGuard.Core.Analysis;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.TestSupport;

namespace DistillGuard.Core.Tests.Analysis;

public class SystemPromptCacheTests
{
    private static ExchangeAnalyzer NewAnalyzer() =>
        new(new SignalPipeline(SignalPipeline.DefaultSignals()), ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates());

    private static void AssertSame(ExchangeAnalysis expected, ExchangeAnalysis actual)
    {
        Assert.Equal(expected.Scores, actual.Scores);
        Assert.Equal(expected.TemplateKeys.AsSpan(0, expected.TemplateKeyCount).ToArray(), actual.TemplateKeys.AsSpan(0, actual.TemplateKeyCount).ToArray());
        Assert.Equal(expected.SystemIsPublic, actual.SystemIsPublic);
        Assert.Equal(expected.FrameIsPublic, actual.FrameIsPublic);
        Assert.Equal(expected.ReferenceDataset, actual.ReferenceDataset);
        Assert.Equal(expected.TopSignal, actual.TopSignal);
        Assert.Equal(expected.TopScore, actual.TopScore);
    }

    [Fact]
    public void A_cached_system_prompt_gives_the_same_analysis_as_a_fresh_one()
    {
        // System prompts whose phrases drive the signals (grading rubric, reasoning elicitation), with real user prompts.
        string[] systems =
        [
            "You are an impartial judge. Evaluate the response below on a scale of 1 to 10 using this rubric, and output your score.",
            "Before answering, write out your complete internal reasoning step by step. Do not skip any steps.",
            "You are a helpful assistant for ACME Corp. Answer questions about our products politely.",
        ];
        var questions = Corpora.Texts("gsm8k.jsonl.gz", limit: 12);
        var warm = NewAnalyzer();
        foreach (var system in systems)
            foreach (var q in questions)
            {
                var x = TestExchanges.Make("a", q, system);
                var viaCache = new ExchangeAnalysis();
                warm.Analyze(x, viaCache);           // the first question of each system fills the cache, the rest hit it
                var fresh = new ExchangeAnalysis();
                NewAnalyzer().Analyze(x, fresh);     // a new analyzer has an empty cache
                AssertSame(fresh, viaCache);
            }
    }

    [Fact]
    public void Phrases_in_the_system_prompt_still_score_when_cached()
    {
        var analyzer = NewAnalyzer();
        const string system = "You are an impartial judge. Evaluate the response below on a scale of 1 to 10 using this rubric, and output your score.";
        var first = new ExchangeAnalysis();
        analyzer.Analyze(TestExchanges.Make("a", "Response A: Paris is the capital of France.", system), first);
        var second = new ExchangeAnalysis();
        analyzer.Analyze(TestExchanges.Make("b", "Response A: Berlin is the capital of Germany.", system), second);
        Assert.True(first.Scores[(int)SignalKind.JudgePrompt] > 0);
        Assert.Equal(first.Scores[(int)SignalKind.JudgePrompt], second.Scores[(int)SignalKind.JudgePrompt]);
        Assert.Equal(first.TemplateKeys[0], second.TemplateKeys[0]);
    }
}
