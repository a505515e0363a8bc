namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>JUDGE_PROMPT</c>: the request asks the model to grade, score against a rubric, or compare responses pairwise,
/// i.e. to act as a reward model. Harvested judgements train reward models and preference-tuned students; public 2026
/// reports name rubric-based grading among the harvested capabilities. Lexicon after MT-Bench/Arena-Hard
/// (Zheng et al., 2023), AlpacaEval, Prometheus (Kim et al., 2024) and UltraFeedback (Cui et al., 2024) judge prompts.
/// </summary>
/// <remarks>A one-off "rate my essay from 1 to 10" scores below the hit threshold; rubric, verdict-format and A/B-answer cues together score high.</remarks>
public sealed class JudgePromptSignal : IExchangeSignal
{
    private const byte Pairwise = 1, Scale = 2, Target = 3;

    /// <inheritdoc />
    public SignalKind Kind => SignalKind.JudgePrompt;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases { get; } = Build();

    /// <inheritdoc />
    public float Evaluate(in SignalInput input)
    {
        if (input.Hits.IsEmpty) return 0f;
        var hits = input.Hits;
        var phrases = input.Phrases;
        float score = PhraseEvidence.NoisyOr(hits, phrases);
        // Two answers laid side by side (A and B) plus a question of which is better: a pairwise preference judgement.
        bool pairwise = PhraseEvidence.CountGroup(hits, phrases, Pairwise) >= 2;
        bool scaleOnTarget = PhraseEvidence.Near(hits, phrases, Scale, Target, 80);
        float rule = pairwise && scaleOnTarget ? 0.85f : pairwise ? 0.45f : scaleOnTarget ? 0.4f : 0f;
        return MathF.Max(score, rule);
    }

    private static List<Phrase> Build()
    {
        var p = new List<Phrase>();
        void Add(float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w)); }
        void Group(byte g, float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w, g)); }

        Add(0.95f, "please act as an impartial judge", "the start of assistant a's answer", "the start of assistant b's answer",
            "[[a>b]]", "[[b>a]]", "[[a>>b]]", "[[b>>a]]", "[[a=b]]");
        Add(0.9f, "act as an impartial judge", "score rubric", "output your final verdict", "write a detailed feedback that assess",
            "helpfulness, relevance, accuracy, depth", "rating: [[");
        Add(0.8f, "evaluates and selects the best", "select the model that produces the best output", "quality and relevance of their outputs",
            "which model produced the best", "assess these responses", "select the best response", "choose the better response",
            "scoring rubric", "evaluate the quality of the response", "rate the quality of the response",
            "compare the two responses", "compare two responses", "which of the two responses", "rank the following responses",
            "evaluate the following responses", "your evaluation should consider");
        Add(0.7f, "impartial judge", "which response is better", "which answer is better", "grade the response", "[result]",
            "reference answer that gets a score");
        Add(0.6f, "rate the response", "grade the answer", "assign a score", "reward model", "preference annotation");
        Add(0.5f, "final verdict", "evaluate the response", "rubric", "annotator", "score the response");
        Add(0.4f, "reference answer", "give a score", "better response", "pairwise comparison", "model identifier", "best model");
        Add(0.3f, "model outputs", "outputs from the models", "human preferred", "best output");
        // Chinese and Russian.
        Add(0.9f, "请作为一个公正的裁判", "公正的裁判", "беспристрастный судья", "беспристрастного судьи");
        Add(0.7f, "评分标准", "哪个回答更好", "对回答进行评价", "критерии оценки", "какой ответ лучше", "какой из ответов лучше");
        Add(0.55f, "оцени ответ", "оцените ответ", "оцени качество ответа", "оцените качество ответа");
        Add(0.4f, "评分", "打分", "参考答案", "рубрик*");

        Group(Pairwise, 0f, "assistant a", "assistant b", "response a", "response b", "answer a", "answer b", "model a", "model b",
            "output (a)", "output (b)", "回答a", "回答b", "ответ a", "ответ b");
        Group(Scale, 0f, "on a scale of # to #", "on a scale from # to #", "from # to #", "score of #", "between # and #",
            "out of #", "#分", "по шкале", "от # до #");
        Group(Target, 0f, "response", "answer", "output", "completion", "assistant", "回答", "ответ*");
        return p;
    }
}
