using DistillGuard.Simulation.Corpora;

namespace DistillGuard.Simulation.Generation;

/// <summary>One message of a planned request.</summary>
/// <param name="Role"><c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Text">Text (for tool messages: the tool result).</param>
/// <param name="ToolCall">For assistant messages: the tool it called, or null.</param>
/// <param name="ToolCallId">Id linking a tool call and its result.</param>
/// <param name="ThinkingSignature">For assistant messages: the signature of its thinking block (Anthropic), or null.</param>
public sealed record PlanMessage(string Role, string Text, string? ToolCall = null, string? ToolCallId = null, string? ThinkingSignature = null);

/// <summary>Everything needed to write one exchange line.</summary>
public sealed class ExchangePlan
{
    /// <summary>Anthropic Messages shape (else OpenAI Chat Completions).</summary>
    public bool Anthropic { get; set; }
    /// <summary>Model.</summary>
    public string Model { get; set; } = "";
    /// <summary>System prompt, or null.</summary>
    public string? System { get; set; }
    /// <summary>Messages in order.</summary>
    public List<PlanMessage> Messages { get; } = new();
    /// <summary>Tools offered, or null.</summary>
    public IReadOnlyList<ToolDef>? Tools { get; set; }
    /// <summary>Whether reasoning was requested (and the model reasons).</summary>
    public bool Reasoning { get; set; }
    /// <summary>top_logprobs, or 0 for none.</summary>
    public int TopLogprobs { get; set; }
    /// <summary>n.</summary>
    public int Choices { get; set; } = 1;
    /// <summary>Temperature.</summary>
    public double Temperature { get; set; }
    /// <summary>max_tokens.</summary>
    public int MaxTokens { get; set; }

    /// <summary>Response: input tokens.</summary>
    public int PromptTokens { get; set; }
    /// <summary>Response: visible output tokens.</summary>
    public int OutputTokens { get; set; }
    /// <summary>Response: reasoning tokens.</summary>
    public int ReasoningTokens { get; set; }
    /// <summary>Response: reasoning text exposed (reasoning_content or a thinking block), or null.</summary>
    public string? ReasoningText { get; set; }
    /// <summary>Response: signature of its thinking block, or null.</summary>
    public string? IssuedSignature { get; set; }
    /// <summary>Response: tool the model calls, or null.</summary>
    public string? ResponseToolCall { get; set; }
    /// <summary>Response: visible text.</summary>
    public string ResponseText { get; set; } = "";
    /// <summary>Upstream latency.</summary>
    public int LatencyMs { get; set; }
}
