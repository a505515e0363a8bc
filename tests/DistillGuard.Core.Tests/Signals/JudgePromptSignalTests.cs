using DistillGuard.Core.Signals;
using DistillGuard.TestSupport;
using static DistillGuard.Core.Tests.SignalHarness;

namespace DistillGuard.Core.Tests.Signals;

public class JudgePromptSignalTests
{
    private const SignalKind Judge = SignalKind.JudgePrompt;

    private static double RenderedHitRate(string file, int limit)
    {
        var rows = Corpora.Rows(file).Where(r => !(r.TryGetProperty("template", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.True)).Take(limit).ToList();
        int hits = 0;
        foreach (var r in rows)
        {
            string? system = r.TryGetProperty("system", out var s) ? s.GetString() : null;
            if (Score(Judge, r.GetProperty("text").GetString()!, system) >= SignalKinds.HitThreshold) hits++;
        }
        return (double)hits / rows.Count;
    }

    [Fact]
    public void Rendered_judge_prompts_from_public_pipelines_are_hits()
    {
        Assert.True(RenderedHitRate("arena_hard_judge.jsonl.gz", 300) > 0.95, "Arena-Hard");
        Assert.True(RenderedHitRate("alpaca_eval_judge.jsonl.gz", 300) > 0.95, "AlpacaEval");
        Assert.True(RenderedHitRate("prometheus_judge.jsonl.gz", 300) > 0.95, "Prometheus");
    }

    [Theory]
    [InlineData("Which response is better, Response A or Response B? Rate each answer on a scale of 1 to 10.")]
    [InlineData("请作为一个公正的裁判，评估以下两个回答的质量。")]
    [InlineData("Оцени ответ по шкале от 1 до 10 и объясни, какой ответ лучше.")]
    public void Grading_requests_are_hits(string prompt) => Assert.True(Score(Judge, prompt) >= SignalKinds.HitThreshold, prompt);

    [Fact]
    public void Rating_my_own_essay_once_is_not_a_hit() =>
        Assert.True(Score(Judge, "Can you rate my essay on a scale of 1 to 10? Here it is: ...") < SignalKinds.HitThreshold);

    [Fact]
    public void Benchmark_questions_themselves_are_not_hits()
    {
        var questions = Corpora.Texts("arena_hard_prompts.jsonl.gz", limit: 800);
        Assert.True(HitRate(Judge, questions) < 0.02, $"{HitRate(Judge, questions):P2}");
        var mt = Corpora.Texts("mtbench_questions.jsonl.gz");
        Assert.True(HitRate(Judge, mt) < 0.03, $"{HitRate(Judge, mt):P2}");
    }
}
