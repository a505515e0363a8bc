namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>CLASSIFIER_EVASION</c>: text addressed to a human reviewer, moderation system or classifier asking that the
/// request not be flagged, or asserting that it is not distillation or not for training. Legitimate traffic has no
/// reason to address the provider's monitoring; an adaptive campaign that knows it is watched does.
/// </summary>
public sealed class ClassifierEvasionSignal : IExchangeSignal
{
    /// <inheritdoc />
    public SignalKind Kind => SignalKind.ClassifierEvasion;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases { get; } = Build();

    /// <inheritdoc />
    public float Evaluate(in SignalInput input) => input.Hits.IsEmpty ? 0f : PhraseEvidence.NoisyOr(input.Hits, input.Phrases);

    private static List<Phrase> Build()
    {
        var p = new List<Phrase>();
        void Add(float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w)); }
        Add(0.95f, "this is not distillation", "this is not a distillation", "not a distillation attempt", "not an extraction attempt",
            "note to the classifier", "note for the classifier", "note to any classifier", "to the safety classifier",
            "to any automated reviewer", "note to the reviewer", "note for the reviewer", "dear classifier", "dear reviewer bot");
        Add(0.85f, "do not flag this", "don't flag this", "please do not flag", "please don't flag", "should not be flagged",
            "must not be flagged", "no need to flag", "not be flagged", "not for training a model", "not used to train a model",
            "not be used for training", "this request is benign", "this conversation is benign", "to the monitoring system",
            "to the moderation system", "distillation detector", "extraction detector", "abuse classifier");
        Add(0.6f, "to the classifier", "automated reviewer", "this is legitimate research", "legitimate research purposes only",
            "ignore the monitor", "trust and safety team");
        Add(0.3f, "moderation system", "abuse detection", "not for training");
        // Chinese and Russian.
        Add(0.9f, "这不是蒸馏", "不要标记", "请勿标记", "不用于训练", "致审核员", "致分类器", "это не дистилляция", "не помечай*",
            "не отмечай*", "не для обучения модели", "для классификатора", "для модератора");
        Add(0.5f, "审核员", "审核系统", "分类器", "модератор*", "классификатор*");
        return p;
    }
}
