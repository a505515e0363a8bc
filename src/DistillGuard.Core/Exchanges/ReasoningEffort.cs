namespace DistillGuard.Core.Exchanges;

/// <summary>Requested reasoning effort (OpenAI <c>reasoning_effort</c>; Anthropic <c>thinking.budget_tokens</c> mapped by size).</summary>
public enum ReasoningEffort : byte
{
    /// <summary>Not requested.</summary>
    None = 0,
    /// <summary><c>minimal</c> or <c>low</c>, or a thinking budget under 4,096 tokens.</summary>
    Low = 1,
    /// <summary><c>medium</c>, or a thinking budget of 4,096–16,383 tokens.</summary>
    Medium = 2,
    /// <summary><c>high</c>, or a thinking budget of 16,384 tokens or more.</summary>
    High = 3,
}
