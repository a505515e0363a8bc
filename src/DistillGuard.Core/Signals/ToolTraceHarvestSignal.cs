namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>TOOL_TRACE_HARVEST</c>: agentic requests that offer tool definitions for a fresh task (no tool results, no
/// earlier turns) that is swept from a public tool-use dataset or asks for the full trajectory: the harvesting of
/// tool-use and agentic traces named in public 2026 distillation reports. A coding agent's ongoing session (tool
/// results in the history) scores nothing; a single fresh task with tools is weak evidence only. Templated sweeps
/// without such cues are caught at account level (fresh tool-task share combined with template reuse).
/// </summary>
public sealed class ToolTraceHarvestSignal : IExchangeSignal
{
    /// <summary>Score of a fresh task with tools and no other cue (below the hit threshold).</summary>
    public const float FreshTaskScore = 0.3f;

    /// <inheritdoc />
    public SignalKind Kind => SignalKind.ToolTraceHarvest;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases { get; } = Build();

    /// <summary>True when the exchange offers tools for a fresh task: no tool results and no assistant turns in the history.</summary>
    public static bool IsFreshToolTask(Exchanges.Exchange x) => x.ToolCount > 0 && x.ToolResultTurns == 0 && x.AssistantTurns == 0;

    /// <inheritdoc />
    public float Evaluate(in SignalInput input)
    {
        var x = input.Exchange;
        if (x.ToolCount == 0) return 0f;
        if (!IsFreshToolTask(x)) return 0f;
        float keep = 1f - FreshTaskScore;
        if (input.Context.ReferenceDataset is not null) keep *= 1f - 0.35f;
        if (!input.Hits.IsEmpty) keep *= 1f - PhraseEvidence.NoisyOr(input.Hits, input.Phrases);
        if (x.ToolCount >= 8) keep *= 0.9f;
        return 1f - keep;
    }

    private static List<Phrase> Build()
    {
        var p = new List<Phrase>();
        void Add(float w, params string[] texts) { foreach (var t in texts) p.Add(new Phrase(t, w)); }
        Add(0.8f, "explain your reasoning before each tool call", "before each tool call", "before every tool call",
            "full trajectory", "complete trajectory", "entire trajectory", "every tool call you make", "narrate each action",
            "每次调用工具前", "перед каждым вызовом инструмент*");
        Add(0.6f, "think step by step about which tool", "document each step", "record each action", "call the tools one by one",
            "use as many tools as", "after each observation", "thought, action, action input", "action input:", "observation:");
        Add(0.1f, "you have access to the following tools", "you have access to the following functions");
        return p;
    }
}
