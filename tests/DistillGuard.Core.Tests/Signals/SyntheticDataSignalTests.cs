using DistillGuard.Core.Signals;
using DistillGuard.TestSupport;
using static DistillGuard.Core.Tests.SignalHarness;

namespace DistillGuard.Core.Tests.Signals;

public class SyntheticDataSignalTests
{
    private const SignalKind Synth = SignalKind.SyntheticData;

    [Theory]
    [InlineData("Generate 20 diverse question-answer pairs about thermodynamics. Output them as JSON lines.")]
    [InlineData("Create 50 new instructions for fine-tuning a model, each with an input and an output.")]
    [InlineData("Task 1: ... Task 2: ... Task 3: ... Task 4: ... Come up with more tasks in the same format.")]
    [InlineData("请生成10个问题，并给出答案，格式为JSON。")]
    [InlineData("Сгенерируй 15 вопросов с ответами для датасета.")]
    public void Batch_generation_requests_are_hits(string prompt) => Assert.True(Score(Synth, prompt) >= SignalKinds.HitThreshold, prompt);

    [Fact]
    public void Public_generation_prompts_are_hits()
    {
        // Alpaca's generation prompt, Evol-Instruct rewrite prompts, Magicoder's OSS-Instruct prompt (template rows).
        var prompts = Corpora.Texts("alpaca_seed.jsonl.gz", templates: true)
            .Concat(Corpora.Texts("wizardlm_evol.jsonl.gz", templates: true))
            .Concat(Corpora.Texts("synthgen_templates_magicoder.jsonl.gz", templates: true).Take(1))
            .ToList();
        Assert.NotEmpty(prompts);
        foreach (var p in prompts) Assert.True(Score(Synth, p) >= SignalKinds.HitThreshold, p[..Math.Min(80, p.Length)]);
    }

    [Fact]
    public void Asking_for_a_few_examples_is_not_a_hit() =>
        Assert.True(Score(Synth, "Give me 5 examples of metaphors in poetry.") < SignalKinds.HitThreshold);

    [Fact]
    public void Ordinary_user_prompts_rarely_hit()
    {
        var chat = Corpora.Texts("sharegpt_sample.jsonl.gz", limit: 2000);
        var rate = HitRate(Synth, chat);
        Assert.True(rate < 0.03, $"ShareGPT hit rate {rate:P2}");
        var seeds = Corpora.Texts("self_instruct_seed.jsonl.gz");
        Assert.True(HitRate(Synth, seeds) < 0.05, $"Self-Instruct seed tasks hit rate {HitRate(Synth, seeds):P2}");
    }
}
