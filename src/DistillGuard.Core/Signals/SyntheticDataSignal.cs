namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>SYNTHETIC_DATA</c>: the request asks for a batch of new tasks, instructions, questions, Q&amp;A pairs or dialogues
/// (Self-Instruct, Wang et al. 2023; Stanford Alpaca's generation prompt), for an Evol-Instruct rewrite into a harder
/// version (WizardLM, Xu et al. 2024), or for OSS-Instruct style problem creation (Magicoder, Wei et al. 2024):
/// the prompts that turn a provider's model into a training-data generator.
/// </summary>
/// <remarks>
/// A generation verb near a counted noun ("generate 20 questions", "придумай 10 задач", "生成10个问题") or a dataset
/// cue ("in JSON lines", "seed tasks", "Instruction:/Input:/Output:") scores; a single "give me 5 examples of
/// metaphors" stays below the hit threshold. Digits are folded to <c>#</c> before matching.
/// </remarks>
public sealed class SyntheticDataSignal : IExchangeSignal
{
    private const byte Verb = 1, Counted = 2, DatasetCue = 3, Item = 4;

    // Counted units carry a weight only to tell training-data units (0.55) from ordinary ones (0.3) inside the rule;
    // they never score on their own (NoisyOr skips groups below).

    /// <inheritdoc />
    public SignalKind Kind => SignalKind.SyntheticData;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases { get; } = Build();

    /// <inheritdoc />
    public float Evaluate(in SignalInput input)
    {
        if (input.Hits.IsEmpty) return 0f;
        var hits = input.Hits;
        var phrases = input.Phrases;
        float score = PhraseEvidence.NoisyOr(hits, phrases);
        // "generate 20 questions": the generation verb comes first; "ask yourself 100 questions that should generate
        // ideas" or a "20 Questions" game is not a request for a batch of data.
        bool verbCounted = PhraseEvidence.Before(hits, phrases, Verb, Counted, 60);
        bool cue = PhraseEvidence.CountGroup(hits, phrases, DatasetCue) > 0;
        int counted = PhraseEvidence.CountGroup(hits, phrases, Counted);
        int items = PhraseEvidence.CountGroup(hits, phrases, Item);
        float rule = counted > 0 ? 0.25f : 0f;
        if (verbCounted) rule = cue ? 0.85f : PhraseEvidence.MaxWeight(hits, phrases, Counted) >= 0.5f ? 0.65f : 0.4f;
        else if (cue && counted > 0) rule = 0.4f; // without a generation verb first, a question about datasets is not a request for one
        // Self-Instruct style few-shot lists: "Task 1: … Task 2: … Task 3:" or repeated "Instruction:/Input:/Output:".
        if (items >= 3) rule = MathF.Max(rule, items >= 6 ? 0.7f : 0.55f);
        return MathF.Max(score, rule);
    }

    private static List<Phrase> Build()
    {
        var p = new List<Phrase>();
        void Add(float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w)); }
        void Group(byte g, float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w, g)); }

        // Evol-Instruct, Self-Instruct, Alpaca and OSS-Instruct generation prompts.
        Add(0.95f, "#the given prompt#", "#rewritten prompt#", "#created prompt#", "you are asked to come up with a set of",
            "these task instructions will be given to a gpt model", "gain inspiration from the following random code snippet");
        Add(0.9f, "rewrite a given prompt into a more complex version", "rewrite the given prompt into a more complex version",
            "act as a prompt rewriter", "act as a prompt creator", "come up with a series of tasks", "diverse task instructions",
            "create a high quality programming problem", "generate a new instruction", "new instruction following examples");
        Add(0.8f, "more complex version", "more difficult version", "harder version of", "add one more constraint",
            "replace general concepts with more specific concepts", "increase the difficulty of the given", "instruction tuning dataset",
            "synthetic training data", "synthetic dataset", "training examples for fine tuning", "fine tuning dataset", "seed tasks");
        Add(0.6f, "generate more examples like", "generate similar questions", "create similar questions", "more questions like this",
            "in the style of the examples above", "paraphrase the following question", "alternative version of the question",
            "censorship safe", "politically neutral version");
        Add(0.4f, "rephrase the question", "rewrite the question", "make it harder", "make the question harder");
        // Chinese and Russian fixed phrases.
        Add(0.85f, "生成更多类似的问题", "改写成更复杂的版本", "训练数据集", "合成数据");
        Add(0.85f, "синтетические данные", "обучающую выборку", "датасет для обучения", "более сложную версию");

        Group(Verb, 0f, "generate", "create", "write", "come up with", "produce", "brainstorm", "make up", "compose", "synthesize",
            "synthesise", "craft", "design", "propose", "invent", "list", "give me", "provide", "output",
            "生成", "创建", "编写", "设计", "列出", "给出", "写出",
            "сгенерируй*", "сгенерировать", "придумай*", "создай*", "составь*", "напиши*", "сформулируй*");
        // Counted nouns: weight 0.5+ marks nouns that are training-data units rather than ordinary requests for examples.
        Group(Counted, 0.55f, "# questions", "# new questions", "# tasks", "# new tasks", "# instructions", "# new instructions",
            "# prompts", "# problems", "# new problems", "# dialogues", "# conversations", "# q&a pairs", "# question answer pairs",
            "# qa pairs", "# training examples", "# instruction", "# diverse", "# different tasks", "# unique",
            "# math problems", "# coding problems",
            "#个问题", "#道题", "#条指令", "#个任务", "#组问答", "#个对话", "#条数据", "#个样本",
            "# вопрос*", "# задач*", "# задани*", "# инструкци*", "# диалог*", "# пар вопрос*", "# пример*");
        Group(Counted, 0.3f, "# examples", "# variations", "# more", "# new", "# different", "ten questions", "twenty questions",
            "fifty questions", "a hundred questions", "several new", "a set of diverse", "diverse questions", "diverse instructions",
            "new tasks", "new instructions", "# exercises", "# test cases", "# samples");
        Group(DatasetCue, 0.1f, "dataset", "training data", "fine tuning", "fine tune", "jsonl", "json lines", "json format",
            "json array", "instruction tuning", "few shot", "in the following format", "each task", "each question", "each example",
            "each instruction", "the instruction should", "the input should", "the output should", "should be diverse", "do not repeat",
            "数据集", "格式", "датасет*", "формат*");
        // Few-shot item markers of data-generation prompts ("Example 1:" is left out: docstrings and tutorials use it).
        Group(Item, 0f, "task #:", "instruction:", "### instruction", "задача #", "задание #");
        return p;
    }
}
