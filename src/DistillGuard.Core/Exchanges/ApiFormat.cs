namespace DistillGuard.Core.Exchanges;

/// <summary>The provider API whose request/response shape an exchange carries, told apart by shape.</summary>
public enum ApiFormat : byte
{
    /// <summary>Neither shape could be recognised (request absent or of another API).</summary>
    Unknown = 0,
    /// <summary>OpenAI Chat Completions (<c>messages</c> with <c>role</c>/<c>content</c>; response <c>chat.completion</c>).</summary>
    OpenAIChat = 1,
    /// <summary>Anthropic Messages (top-level <c>system</c>, content blocks; response <c>type: message</c>).</summary>
    AnthropicMessages = 2,
}
