namespace DistillGuard.Core.Signals;

/// <summary>The per-exchange signals. The numeric value indexes per-signal arrays in profiles; never reorder.</summary>
public enum SignalKind : byte
{
    /// <summary><c>COT_ELICITATION</c>: asks the model to reveal, reconstruct or write out its reasoning.</summary>
    CotElicitation = 0,
    /// <summary><c>SYNTHETIC_DATA</c>: asks for N new tasks, instructions, Q&amp;A pairs or dialogues, or evol-style rewrites.</summary>
    SyntheticData = 1,
    /// <summary><c>JUDGE_PROMPT</c>: grading, rubric scoring or pairwise comparison (reward-signal harvesting).</summary>
    JudgePrompt = 2,
    /// <summary><c>TOOL_TRACE_HARVEST</c>: fresh, swept or templated agentic tasks with tool definitions.</summary>
    ToolTraceHarvest = 3,
    /// <summary><c>LOGPROB_HARVEST</c>: high <c>top_logprobs</c>, or many samples at high temperature.</summary>
    LogprobHarvest = 4,
    /// <summary><c>REASONING_REPLAY</c>: a reasoning signature issued to another account is sent back.</summary>
    ReasoningReplay = 5,
    /// <summary><c>CLASSIFIER_EVASION</c>: text addressed to a reviewer or classifier asking not to be flagged.</summary>
    ClassifierEvasion = 6,
    /// <summary><c>DATASET_SWEEP</c>: the prompt holds an item of a public benchmark or instruction dataset.</summary>
    DatasetSweep = 7,
}

/// <summary>Constants and helpers over <see cref="SignalKind"/>.</summary>
public static class SignalKinds
{
    /// <summary>Number of signals (length of per-signal arrays).</summary>
    public const int Count = 8;

    /// <summary>All signals in index order.</summary>
    public static readonly SignalKind[] All = Enum.GetValues<SignalKind>();

    /// <summary>Score at or above which an exchange counts as a hit of a signal (0–1).</summary>
    public const float HitThreshold = 0.5f;

    /// <summary>The stable reason code of a signal.</summary>
    public static string Code(this SignalKind kind) => kind switch
    {
        SignalKind.CotElicitation => ReasonCodes.CotElicitation,
        SignalKind.SyntheticData => ReasonCodes.SyntheticData,
        SignalKind.JudgePrompt => ReasonCodes.JudgePrompt,
        SignalKind.ToolTraceHarvest => ReasonCodes.ToolTraceHarvest,
        SignalKind.LogprobHarvest => ReasonCodes.LogprobHarvest,
        SignalKind.ReasoningReplay => ReasonCodes.ReasoningReplay,
        SignalKind.ClassifierEvasion => ReasonCodes.ClassifierEvasion,
        SignalKind.DatasetSweep => ReasonCodes.DatasetSweep,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Whether a signal is evidence of extraction on its own (all but <see cref="SignalKind.DatasetSweep"/>, which evaluation harnesses share).</summary>
    public static bool IsExtraction(this SignalKind kind) => kind != SignalKind.DatasetSweep;
}
