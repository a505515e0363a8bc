namespace DistillGuard.Core.Exchanges;

/// <summary>Role of one text segment of a request, normalised across APIs.</summary>
public enum MessageRole : byte
{
    /// <summary>System or developer instructions (OpenAI <c>system</c>/<c>developer</c>, Anthropic top-level <c>system</c>).</summary>
    System = 0,
    /// <summary>Text written by the API caller's user turn.</summary>
    User = 1,
    /// <summary>An earlier assistant turn replayed in the conversation history.</summary>
    Assistant = 2,
    /// <summary>A tool result returned to the model (OpenAI <c>tool</c> role, Anthropic <c>tool_result</c> block).</summary>
    Tool = 3,
}
