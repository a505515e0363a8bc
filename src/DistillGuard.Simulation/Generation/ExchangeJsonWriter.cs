using System.Text.Json;

namespace DistillGuard.Simulation.Generation;

/// <summary>Writes one exchange-log line (docs/exchange-log.md) in OpenAI Chat Completions or Anthropic Messages shape.</summary>
public static class ExchangeJsonWriter
{
    /// <summary>Writes the exchange as one JSON object (no trailing newline).</summary>
    public static void Write(Utf8JsonWriter w, SimAccount a, ExchangePlan plan, long timestampMs, long sequence, string clientIp)
    {
        w.WriteStartObject();
        w.WriteString("id", $"ex-{sequence:x10}");
        w.WriteString("timestamp", DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
        w.WriteString("account_id", a.Id);
        w.WriteString("org_id", a.OrgId);
        w.WriteString("api_key_id", "key-" + a.Id);
        w.WriteString("client_ip", clientIp);
        w.WriteString("user_agent", a.UserAgent);
        w.WriteString("country", a.Country);
        w.WritePropertyName("request");
        if (plan.Anthropic) AnthropicRequest(w, plan); else OpenAIRequest(w, plan);
        w.WritePropertyName("response");
        if (plan.Anthropic) AnthropicResponse(w, plan, sequence); else OpenAIResponse(w, plan, sequence, timestampMs);
        w.WriteNumber("latency_ms", plan.LatencyMs);
        w.WriteNumber("status", 200);
        w.WriteEndObject();
    }

    private static void OpenAIRequest(Utf8JsonWriter w, ExchangePlan p)
    {
        w.WriteStartObject();
        w.WriteString("model", p.Model);
        w.WriteStartArray("messages");
        if (p.System is not null)
        {
            w.WriteStartObject();
            w.WriteString("role", "system");
            w.WriteString("content", p.System);
            w.WriteEndObject();
        }
        foreach (var m in p.Messages)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role);
            if (m.Role == "assistant" && m.ToolCall is not null) OpenAIToolCall(w, m.ToolCallId, m.ToolCall);
            else w.WriteString("content", m.Text);
            if (m.Role == "tool") w.WriteString("tool_call_id", m.ToolCallId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (p.Tools is { Count: > 0 })
        {
            w.WriteStartArray("tools");
            foreach (var t in p.Tools)
            {
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", t.Name);
                w.WriteString("description", t.Description);
                w.WritePropertyName("parameters");
                w.WriteRawValue(t.ParametersJson, skipInputValidation: false);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteNumber("temperature", p.Temperature);
        w.WriteNumber(p.Reasoning ? "max_completion_tokens" : "max_tokens", p.MaxTokens);
        if (p.Reasoning) w.WriteString("reasoning_effort", "high");
        if (p.TopLogprobs > 0)
        {
            w.WriteBoolean("logprobs", true);
            w.WriteNumber("top_logprobs", p.TopLogprobs);
        }
        if (p.Choices > 1) w.WriteNumber("n", p.Choices);
        w.WriteEndObject();
    }

    private static void AnthropicRequest(Utf8JsonWriter w, ExchangePlan p)
    {
        w.WriteStartObject();
        w.WriteString("model", p.Model);
        w.WriteNumber("max_tokens", p.MaxTokens);
        if (p.System is not null) w.WriteString("system", p.System);
        w.WriteStartArray("messages");
        // Anthropic merges tool results into the following user turn; each plan message maps to one API message.
        foreach (var m in p.Messages)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role == "assistant" ? "assistant" : "user");
            w.WriteStartArray("content");
            if (m.Role == "assistant")
            {
                if (m.ThinkingSignature is not null)
                {
                    ThinkingBlock(w, "Let me reconsider the previous step.", m.ThinkingSignature);
                }
                if (m.ToolCall is not null) ToolUseBlock(w, "toolu_" + m.ToolCallId, m.ToolCall);
                else TextBlock(w, m.Text);
            }
            else if (m.Role == "tool")
            {
                w.WriteStartObject();
                w.WriteString("type", "tool_result");
                w.WriteString("tool_use_id", "toolu_" + m.ToolCallId);
                w.WriteString("content", m.Text);
                w.WriteEndObject();
            }
            else TextBlock(w, m.Text);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (p.Tools is { Count: > 0 })
        {
            w.WriteStartArray("tools");
            foreach (var t in p.Tools)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteString("description", t.Description);
                w.WritePropertyName("input_schema");
                w.WriteRawValue(t.ParametersJson, skipInputValidation: false);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (p.Reasoning)
        {
            w.WriteStartObject("thinking");
            w.WriteString("type", "enabled");
            w.WriteNumber("budget_tokens", 12000);
            w.WriteEndObject();
        }
        else w.WriteNumber("temperature", p.Temperature);
        w.WriteEndObject();
    }

    private static void OpenAIResponse(Utf8JsonWriter w, ExchangePlan p, long sequence, long timestampMs)
    {
        w.WriteStartObject();
        w.WriteString("id", $"chatcmpl-{sequence:x12}");
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", timestampMs / 1000);
        w.WriteString("model", p.Model);
        w.WriteStartArray("choices");
        for (int i = 0; i < p.Choices; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (p.ResponseToolCall is not null)
            {
                OpenAIToolCall(w, $"call_{sequence:x8}", p.ResponseToolCall);
            }
            else w.WriteString("content", p.ResponseText);
            if (p.ReasoningText is not null) w.WriteString("reasoning_content", p.ReasoningText);
            w.WriteEndObject();
            w.WriteString("finish_reason", p.ResponseToolCall is not null ? "tool_calls" : "stop");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", p.PromptTokens);
        w.WriteNumber("completion_tokens", p.OutputTokens + p.ReasoningTokens);
        w.WriteNumber("total_tokens", p.PromptTokens + p.OutputTokens + p.ReasoningTokens);
        if (p.ReasoningTokens > 0)
        {
            w.WriteStartObject("completion_tokens_details");
            w.WriteNumber("reasoning_tokens", p.ReasoningTokens);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void AnthropicResponse(Utf8JsonWriter w, ExchangePlan p, long sequence)
    {
        w.WriteStartObject();
        w.WriteString("id", $"msg_{sequence:x12}");
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", p.Model);
        w.WriteStartArray("content");
        if (p.ReasoningText is not null && p.IssuedSignature is not null) ThinkingBlock(w, p.ReasoningText, p.IssuedSignature);
        if (p.ResponseToolCall is not null) ToolUseBlock(w, $"toolu_{sequence:x8}", p.ResponseToolCall);
        else TextBlock(w, p.ResponseText);
        w.WriteEndArray();
        w.WriteString("stop_reason", p.ResponseToolCall is not null ? "tool_use" : "end_turn");
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", p.PromptTokens);
        w.WriteNumber("output_tokens", p.OutputTokens + p.ReasoningTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // The tool every simulated call invokes (the simulator varies tool names, not arguments).
    private const string ToolArgumentsJson = "{\"path\": \"src/app/handler.py\"}";
    private const string ToolPath = "src/app/handler.py";

    /// <summary>An OpenAI assistant message's <c>content: null</c> and one-element <c>tool_calls</c>.</summary>
    private static void OpenAIToolCall(Utf8JsonWriter w, string? id, string name)
    {
        w.WriteNull("content");
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", name);
        w.WriteString("arguments", ToolArgumentsJson);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>An Anthropic <c>thinking</c> content block with its signature.</summary>
    private static void ThinkingBlock(Utf8JsonWriter w, string thinking, string? signature)
    {
        w.WriteStartObject();
        w.WriteString("type", "thinking");
        w.WriteString("thinking", thinking);
        w.WriteString("signature", signature);
        w.WriteEndObject();
    }

    /// <summary>An Anthropic <c>tool_use</c> content block.</summary>
    private static void ToolUseBlock(Utf8JsonWriter w, string id, string name)
    {
        w.WriteStartObject();
        w.WriteString("type", "tool_use");
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WriteStartObject("input");
        w.WriteString("path", ToolPath);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>An Anthropic <c>text</c> content block.</summary>
    private static void TextBlock(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }
}
