using System.Text.Json;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Ingest.Formats;

/// <summary>
/// Reads a provider response body: OpenAI <c>chat.completion</c> (<c>choices[].message.content</c>, <c>tool_calls</c>,
/// <c>reasoning_content</c> or <c>reasoning</c>, <c>usage</c> with <c>completion_tokens_details.reasoning_tokens</c>)
/// or Anthropic <c>message</c> (content blocks <c>text</c>, <c>thinking</c> with <c>signature</c>,
/// <c>redacted_thinking</c>, <c>tool_use</c>; <c>usage</c>). Only usage, reasoning presence and size, tool-call counts
/// and signature hashes are kept, never the response text.
/// </summary>
public static class ResponseParser
{
    // The field path of errors (a constant: parsing allocates nothing per exchange).
    private const string Root = "response";

    /// <summary>Parses the response object the reader is positioned on.</summary>
    /// <exception cref="FormatFailureException">The response is not an object.</exception>
    public static void Parse(ref Utf8JsonReader r, Exchange x)
    {
        if (r.TokenType != JsonTokenType.StartObject)
            throw new FormatFailureException(Root, $"a JSON object (the provider response body) or null (found {ExchangeParser.Describe(r.TokenType)})");
        x.HasResponse = true;
        long reasoningBytes = 0, outputBytes = 0;
        bool anthropic = false, openai = false;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("choices"u8)) { r.Read(); openai = true; ParseChoices(ref r, x, ref reasoningBytes, ref outputBytes); }
            else if (r.ValueTextEquals("content"u8)) { r.Read(); anthropic = true; ParseBlocks(ref r, x, ref reasoningBytes, ref outputBytes); }
            else if (r.ValueTextEquals("usage"u8)) { r.Read(); ParseUsage(ref r, x); }
            else if (r.ValueTextEquals("model"u8)) { r.Read(); if (x.Model.IsEmpty) RequestParser.ReadModel(ref r, x); else r.Skip(); }
            else if (r.ValueTextEquals("object"u8)) { r.Read(); openai |= r.TokenType == JsonTokenType.String && r.ValueTextEquals("chat.completion"u8); }
            else if (r.ValueTextEquals("type"u8)) { r.Read(); anthropic |= r.TokenType == JsonTokenType.String && r.ValueTextEquals("message"u8); }
            else { r.Read(); r.Skip(); }
        }
        if (x.Format == ApiFormat.Unknown) x.Format = anthropic ? ApiFormat.AnthropicMessages : openai ? ApiFormat.OpenAIChat : ApiFormat.Unknown;
        // Estimate what usage did not report (about 4 bytes of JSON text per token).
        if (x.ReasoningTokens == 0 && reasoningBytes > 0) x.ReasoningTokens = (int)Math.Min(int.MaxValue, reasoningBytes / 4 + 1);
        if (x.CompletionTokens == 0 && outputBytes + reasoningBytes > 0) x.CompletionTokens = (int)Math.Min(int.MaxValue, (outputBytes + reasoningBytes) / 4 + 1);
    }

    private static void ParseChoices(ref Utf8JsonReader r, Exchange x, ref long reasoningBytes, ref long outputBytes)
    {
        if (r.TokenType != JsonTokenType.StartArray) { r.Skip(); return; }
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.ValueTextEquals("message"u8) || r.ValueTextEquals("delta"u8)) { r.Read(); ParseMessage(ref r, x, ref reasoningBytes, ref outputBytes); }
                else { r.Read(); r.Skip(); }
            }
        }
    }

    private static void ParseMessage(ref Utf8JsonReader r, Exchange x, ref long reasoningBytes, ref long outputBytes)
    {
        if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return; }
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("content"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.String) outputBytes += r.ValueSpan.Length;
                else r.Skip();
            }
            else if (r.ValueTextEquals("reasoning_content"u8) || r.ValueTextEquals("reasoning"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.String)
                {
                    if (r.ValueSpan.Length > 0) { x.ResponseHasReasoning = true; reasoningBytes += r.ValueSpan.Length; }
                }
                else if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    x.ResponseHasReasoning = true;
                    RequestParser.ScanSignatures(ref r, x, request: false);
                }
                else r.Skip();
            }
            else if (r.ValueTextEquals("reasoning_details"u8)) { r.Read(); x.ResponseHasReasoning = true; RequestParser.ScanSignatures(ref r, x, request: false); }
            else if (r.ValueTextEquals("tool_calls"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartArray) { r.Skip(); continue; }
                while (r.Read() && r.TokenType != JsonTokenType.EndArray) { x.ResponseToolCalls++; r.Skip(); }
            }
            else { r.Read(); r.Skip(); }
        }
    }

    private static void ParseBlocks(ref Utf8JsonReader r, Exchange x, ref long reasoningBytes, ref long outputBytes)
    {
        if (r.TokenType != JsonTokenType.StartArray) { r.Skip(); return; }
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.String) { r.Skip(); continue; }
                    if (r.ValueTextEquals("tool_use"u8)) x.ResponseToolCalls++;
                    else if (r.ValueTextEquals("thinking"u8) || r.ValueTextEquals("redacted_thinking"u8)) x.ResponseHasReasoning = true;
                }
                else if (r.ValueTextEquals("thinking"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) reasoningBytes += r.ValueSpan.Length; else r.Skip(); }
                else if (r.ValueTextEquals("text"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) outputBytes += r.ValueSpan.Length; else r.Skip(); }
                else if (r.ValueTextEquals("signature"u8) || r.ValueTextEquals("data"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String && r.ValueSpan.Length > 0) x.AddResponseSignature(Hash64.Of(r.ValueSpan));
                    else r.Skip();
                }
                else { r.Read(); r.Skip(); }
            }
        }
    }

    private static void ParseUsage(ref Utf8JsonReader r, Exchange x)
    {
        if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return; }
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("prompt_tokens"u8) || r.ValueTextEquals("input_tokens"u8)) { r.Read(); x.PromptTokens += Int(ref r); }
            else if (r.ValueTextEquals("cache_creation_input_tokens"u8) || r.ValueTextEquals("cache_read_input_tokens"u8)) { r.Read(); x.PromptTokens += Int(ref r); }
            else if (r.ValueTextEquals("completion_tokens"u8) || r.ValueTextEquals("output_tokens"u8)) { r.Read(); x.CompletionTokens = Int(ref r); }
            else if (r.ValueTextEquals("completion_tokens_details"u8) || r.ValueTextEquals("output_tokens_details"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    if (r.ValueTextEquals("reasoning_tokens"u8)) { r.Read(); x.ReasoningTokens = Int(ref r); }
                    else { r.Read(); r.Skip(); }
                }
            }
            else { r.Read(); r.Skip(); }
        }
    }

    private static int Int(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var d) && d >= 0 && d <= int.MaxValue ? (int)d : 0;
}
