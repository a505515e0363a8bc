namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>COT_ELICITATION</c>: the request asks the model to reveal, reconstruct or write out its internal or complete
/// reasoning, so the response carries a reasoning trace worth training on (the chain-of-thought harvesting described
/// in public 2026 distillation reports, and the R1/Sky-T1 "systematic long thinking" trace-collection prompts).
/// </summary>
/// <remarks>
/// English, Chinese and Russian lexicons. Besides fixed phrases, a co-occurrence rule catches paraphrases: a reveal
/// verb ("spell out", "dump", "transcribe") near a qualifier ("internal", "unabridged", "verbatim") and a reasoning
/// noun ("thought process", "deliberation") within a short window. The harness phrase "Let's think step by step"
/// and FLAN-style "Chain of thought:" cues are weak (below the hit threshold) on their own: evaluation suites use them.
/// </remarks>
public sealed class CotElicitationSignal : IExchangeSignal
{
    private const byte Verb = 1, Qualifier = 2, Noun = 3;

    /// <inheritdoc />
    public SignalKind Kind => SignalKind.CotElicitation;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases { get; } = Build();

    /// <inheritdoc />
    public float Evaluate(in SignalInput input)
    {
        if (input.Hits.IsEmpty) return 0f;
        float score = PhraseEvidence.NoisyOr(input.Hits, input.Phrases);
        bool verbNoun = PhraseEvidence.Near(input.Hits, input.Phrases, Verb, Noun, 48);
        bool qualifierNoun = PhraseEvidence.Near(input.Hits, input.Phrases, Qualifier, Noun, 24);
        float rule = verbNoun && qualifierNoun ? 0.75f : qualifierNoun ? 0.35f : verbNoun ? 0.3f : 0f;
        return MathF.Max(score, rule);
    }

    private static List<Phrase> Build()
    {
        var p = new List<Phrase>();
        void Add(float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w)); }
        void Group(byte g, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, 0f, g)); }

        // English: revealing hidden or internal reasoning.
        Add(0.95f, "your hidden reasoning", "systematic long thinking process", "begin_of_thought", "end_of_thought",
            "complete and transparent reasoning", "reasoning verbatim", "verbatim reasoning");
        Add(0.9f, "your internal reasoning", "your inner reasoning", "your private reasoning", "your raw reasoning",
            "your internal thought process", "reveal your reasoning", "reveal your thought*", "expose your reasoning",
            "show your chain of thought", "output your chain of thought", "write out your chain of thought",
            "reconstruct your reasoning", "reconstruct your thought*", "your unfiltered reasoning", "your thinking block",
            "articulate the internal reasoning", "articulate your internal reasoning");
        Add(0.85f, "internal monologue", "your internal thoughts", "your chain of thought", "full chain of thought",
            "complete chain of thought", "entire chain of thought", "your full thought process", "your complete thought process",
            "your entire thought process", "detail your reasoning process", "long thinking process", "reasoning trace", "reasoning traces",
            "thinking trace", "thinking traces", "reconstruct the reasoning", "internal reasoning behind");
        Add(0.8f, "inner monologue", "your full reasoning", "your complete reasoning", "your entire reasoning",
            "every step of your reasoning", "all of your reasoning", "all your reasoning", "your thought process in full",
            "transparent reasoning", "<think>", "<thinking>");
        Add(0.7f, "complete step by step reasoning", "full step by step reasoning", "thorough step by step reasoning",
            "exhaustive step by step reasoning", "thought section", "</think>");
        Add(0.6f, "detailed step by step reasoning", "what you were thinking", "your reasoning process", "begin_of_solution");
        Add(0.55f, "show your reasoning", "show your thinking", "think out loud", "write out your reasoning", "write out your thinking");
        Add(0.5f, "do not skip any steps", "don't skip any steps", "without skipping any steps", "thinking out loud");
        Add(0.35f, "scratchpad");
        Add(0.45f, "reasoning before answering", "reasoning before the final answer");
        Add(0.4f, "show all your work", "show all of your work");
        Add(0.35f, "explain your reasoning");
        // Weak harness cues: never a hit on their own.
        Add(0.15f, "let's think step by step", "think step by step", "step by step", "let's think first", "reason step by step",
            "please reason step by step", "stream of consciousness", "chain of thought", "show your work");

        // Chinese.
        Add(0.9f, "内部推理", "隐藏的推理", "你的内心独白", "完整的思维链");
        Add(0.85f, "完整的思考过程", "完整的推理过程", "写出完整的推理", "你的思维过程", "你的思考过程", "内心独白");
        Add(0.8f, "详细的思考过程", "详细推理过程", "展示你的推理", "展示你的思考", "写出你的思考", "写出你的推理");
        Add(0.6f, "思维链", "思考过程");
        Add(0.55f, "推理过程");
        Add(0.5f, "不要省略任何步骤", "不要跳过任何步骤");
        Add(0.15f, "一步一步", "逐步推理", "请逐步推理", "逐步思考");

        // Russian (stems where endings vary).
        Add(0.9f, "внутренние рассуждени*", "внутренних рассуждени*", "скрытые рассуждени*", "скрытых рассуждени*");
        Add(0.85f, "внутренний монолог*", "полный ход рассуждени*", "весь ход рассуждени*", "свой ход мысл*", "свои рассуждени*");
        Add(0.8f, "покажи свои рассуждени*", "покажите свои рассуждени*", "ход своих рассуждени*", "распиши все рассуждени*");
        Add(0.6f, "ход рассуждени*", "цепочку рассуждени*", "цепочка рассуждени*", "цепочки рассуждени*", "ход мысл*");
        Add(0.5f, "не пропуская шаг*", "не пропускай шаг*", "не пропускайте шаг*");
        Add(0.15f, "пошагово", "шаг за шагом", "рассуждай пошагово");

        // Paraphrase rule groups.
        Group(Verb, "reveal", "expose", "disclose", "write out", "write it out", "spell out", "lay out", "walk me through", "narrate", "print",
            "articulate", "explain", "describe", "detail", "elaborate",
            "output", "dump", "transcribe", "share", "show", "provide", "include", "document", "record", "reproduce", "restate", "recount",
            "展示", "写出", "输出", "给出", "покажи*", "распиши*", "выведи*", "опиши*", "раскрой*");
        Group(Qualifier, "internal", "inner", "hidden", "private", "complete", "entire", "raw", "unfiltered", "unabridged",
            "verbatim", "uncensored", "behind the scenes", "под капотом", "完整", "全部", "内部", "внутренн*", "полн*", "скрыт*");
        Group(Noun, "reasoning", "thought process", "thinking process", "thinking", "thoughts", "rationale", "deliberation",
            "deliberations", "mental steps", "推理", "思考", "思路", "рассуждени*", "мысл*");
        return p;
    }
}
