using System.Text.Json;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Ingest.Formats;

/// <summary>
/// Reads a provider request body: OpenAI Chat Completions (<c>messages</c> with string or parts content, <c>tools</c>,
/// <c>n</c>, <c>logprobs</c>, <c>top_logprobs</c>, <c>temperature</c>, <c>max_tokens</c>/<c>max_completion_tokens</c>,
/// <c>reasoning_effort</c>) or Anthropic Messages (top-level <c>system</c>, content blocks including <c>thinking</c>
/// blocks with a <c>signature</c>, <c>tool_use</c>/<c>tool_result</c>, <c>tools</c> with <c>input_schema</c>,
/// <c>thinking</c>). The API is told by shape: whichever family's markers dominate.
/// </summary>
public static class RequestParser
{
    // The field path of errors: a constant, and so are the paths built from it ("request.messages"), so parsing
    // allocates nothing per exchange.
    private const string Root = "request";

    /// <summary>Parses the request object the reader is positioned on (its <c>StartObject</c>).</summary>
    /// <exception cref="FormatFailureException">A field has the wrong shape.</exception>
    public static void Parse(ref Utf8JsonReader r, Exchange x)
    {
        if (r.TokenType != JsonTokenType.StartObject)
            throw new FormatFailureException(Root, $"a JSON object (the provider request body) or null (found {ExchangeParser.Describe(r.TokenType)})");
        int openai = 0, anthropic = 0;
        bool sawMessages = false;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("messages"u8)) { r.Read(); sawMessages = true; ParseMessages(ref r, x, Root + ".messages", ref openai, ref anthropic); }
            else if (r.ValueTextEquals("model"u8)) { r.Read(); ReadModel(ref r, x); }
            else if (r.ValueTextEquals("system"u8)) { r.Read(); anthropic += 2; ParseSystem(ref r, x, Root + ".system"); }
            else if (r.ValueTextEquals("tools"u8)) { r.Read(); ParseTools(ref r, x, Root + ".tools", ref openai, ref anthropic); }
            else if (r.ValueTextEquals("functions"u8)) { r.Read(); openai++; ParseTools(ref r, x, Root + ".functions", ref openai, ref anthropic); }
            else if (r.ValueTextEquals("n"u8)) { r.Read(); openai++; x.Choices = Math.Max(1, Int(ref r, Root + ".n", 1)); }
            else if (r.ValueTextEquals("logprobs"u8))
            {
                r.Read();
                openai++;
                if (r.TokenType is JsonTokenType.True) x.Logprobs = true;
                else if (r.TokenType == JsonTokenType.Number) { x.Logprobs = true; x.TopLogprobs = Math.Max(x.TopLogprobs, Int(ref r, Root + ".logprobs", 0)); }
                else if (r.TokenType is not (JsonTokenType.False or JsonTokenType.Null))
                    throw new FormatFailureException(Root + ".logprobs", $"a boolean (found {ExchangeParser.Describe(r.TokenType)})");
            }
            else if (r.ValueTextEquals("top_logprobs"u8)) { r.Read(); openai++; x.TopLogprobs = Math.Max(x.TopLogprobs, Int(ref r, Root + ".top_logprobs", 0)); }
            else if (r.ValueTextEquals("temperature"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var t)) x.Temperature = (float)t;
                else if (r.TokenType != JsonTokenType.Null) throw new FormatFailureException(Root + ".temperature", $"a number (found {ExchangeParser.Describe(r.TokenType)})");
            }
            else if (r.ValueTextEquals("max_tokens"u8)) { r.Read(); x.MaxOutputTokens = Int(ref r, Root + ".max_tokens", 0); }
            else if (r.ValueTextEquals("max_completion_tokens"u8)) { r.Read(); openai++; x.MaxOutputTokens = Int(ref r, Root + ".max_completion_tokens", 0); }
            else if (r.ValueTextEquals("reasoning_effort"u8)) { r.Read(); openai++; x.ReasoningEffort = Effort(ref r); }
            else if (r.ValueTextEquals("reasoning"u8)) { r.Read(); openai++; ParseReasoningOption(ref r, x); }
            else if (r.ValueTextEquals("thinking"u8)) { r.Read(); anthropic += 2; ParseThinkingOption(ref r, x); }
            else { r.Read(); r.Skip(); }
        }
        if (sawMessages || x.SegmentCount > 0) x.Format = anthropic > openai ? ApiFormat.AnthropicMessages : ApiFormat.OpenAIChat;
    }

    private static void ParseSystem(ref Utf8JsonReader r, Exchange x, string path)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                AddText(ref r, x, MessageRole.System, -1);
                return;
            case JsonTokenType.StartArray:
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (r.TokenType == JsonTokenType.StartObject) ParseSystemBlock(ref r, x);
                    else if (r.TokenType == JsonTokenType.String) AddText(ref r, x, MessageRole.System, -1);
                    else r.Skip();
                }
                return;
            case JsonTokenType.Null:
                return;
            default:
                throw new FormatFailureException(path, $"a string or an array of text blocks (found {ExchangeParser.Describe(r.TokenType)})");
        }
    }

    private static void ParseSystemBlock(ref Utf8JsonReader r, Exchange x)
    {
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("text"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) AddText(ref r, x, MessageRole.System, -1); else r.Skip(); }
            else { r.Read(); r.Skip(); }
        }
    }

    private static void ParseMessages(ref Utf8JsonReader r, Exchange x, string path, ref int openai, ref int anthropic)
    {
        if (r.TokenType == JsonTokenType.Null) return;
        if (r.TokenType != JsonTokenType.StartArray) throw new FormatFailureException(path, $"an array of messages (found {ExchangeParser.Describe(r.TokenType)})");
        int index = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject)
                throw new FormatFailureException($"{path}[{index}]", $"a message object with role and content (found {ExchangeParser.Describe(r.TokenType)})");
            ParseMessage(ref r, x, path, index, ref openai, ref anthropic);
            index++;
        }
    }

    private enum Role { Missing, System, User, Assistant, Tool }

    // The message's path ("request.messages[3]") is only built for an error message: no string per message.
    private static void ParseMessage(ref Utf8JsonReader r, Exchange x, string messagesPath, int index, ref int openai, ref int anthropic)
    {
        string At(string suffix) => $"{messagesPath}[{index}]{suffix}";
        var role = Role.Missing;
        int firstSegment = x.SegmentCount;
        ulong provisional = 0; // segments whose role is the message's role (set when the role is known)
        int toolResults = 0;
        bool hasText = false;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("role"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.String) throw new FormatFailureException(At(".role"), $"one of system, developer, user, assistant, tool (found {ExchangeParser.Describe(r.TokenType)})");
                if (r.ValueTextEquals("user"u8)) role = Role.User;
                else if (r.ValueTextEquals("assistant"u8)) role = Role.Assistant;
                else if (r.ValueTextEquals("system"u8)) { role = Role.System; openai++; }
                else if (r.ValueTextEquals("developer"u8)) { role = Role.System; openai += 2; }
                else if (r.ValueTextEquals("tool"u8) || r.ValueTextEquals("function"u8)) { role = Role.Tool; openai += 2; }
                else throw new FormatFailureException(At(".role"), $"one of system, developer, user, assistant, tool (found \"{ExchangeParser.Preview(r.ValueSpan)}\")");
            }
            else if (r.ValueTextEquals("content"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.String)
                {
                    if (AddText(ref r, x, MessageRole.User, index)) { provisional |= 1UL << (x.SegmentCount - 1); hasText = true; }
                }
                else if (r.TokenType == JsonTokenType.StartArray)
                    ParseContentBlocks(ref r, x, messagesPath, index, ref provisional, ref toolResults, ref hasText, ref openai, ref anthropic);
                else if (r.TokenType != JsonTokenType.Null)
                    throw new FormatFailureException(At(".content"), $"a string, an array of content parts, or null (found {ExchangeParser.Describe(r.TokenType)})");
            }
            else if (r.ValueTextEquals("tool_calls"u8) || r.ValueTextEquals("function_call"u8)) { r.Read(); openai += 2; r.Skip(); }
            else if (r.ValueTextEquals("tool_call_id"u8)) { r.Read(); openai += 2; r.Skip(); }
            else if (r.ValueTextEquals("reasoning_content"u8) || r.ValueTextEquals("reasoning"u8))
            {
                r.Read();
                if (r.TokenType is JsonTokenType.String or JsonTokenType.StartObject) x.RequestHasReasoningBlocks = true;
                ScanSignatures(ref r, x, request: true);
            }
            else if (r.ValueTextEquals("reasoning_details"u8)) { r.Read(); x.RequestHasReasoningBlocks = true; ScanSignatures(ref r, x, request: true); }
            else { r.Read(); r.Skip(); }
        }
        if (role == Role.Missing) throw new FormatFailureException(At(".role"), "one of system, developer, user, assistant, tool (required field is missing)");
        var segmentRole = role switch
        {
            Role.System => MessageRole.System,
            Role.Assistant => MessageRole.Assistant,
            Role.Tool => MessageRole.Tool,
            _ => MessageRole.User,
        };
        for (int i = firstSegment; i < x.SegmentCount; i++)
            if ((provisional & (1UL << i)) != 0 && segmentRole != MessageRole.User) x.SetSegmentRole(i, segmentRole);
        switch (role)
        {
            case Role.User:
                x.MessageCount++;
                if (hasText) x.UserTurns++;
                x.ToolResultTurns += toolResults;
                break;
            case Role.Assistant:
                x.MessageCount++;
                x.AssistantTurns++;
                x.LastAssistantMessage = index;
                break;
            case Role.Tool:
                x.MessageCount++;
                x.ToolResultTurns++;
                break;
        }
    }

    private static void ParseContentBlocks(ref Utf8JsonReader r, Exchange x, string messagesPath, int index, ref ulong provisional,
        ref int toolResults, ref bool hasText, ref int openai, ref int anthropic)
    {
        int block = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.String)
            {
                if (AddText(ref r, x, MessageRole.User, index)) { provisional |= 1UL << (x.SegmentCount - 1); hasText = true; }
                block++;
                continue;
            }
            if (r.TokenType != JsonTokenType.StartObject)
                throw new FormatFailureException($"{messagesPath}[{index}].content[{block}]", $"a content part object (found {ExchangeParser.Describe(r.TokenType)})");
            // Blocks may list "type" after their payload, so payload text is held until the type is known.
            var kind = BlockKind.Unknown;
            int textSegment = -1;
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.String) { r.Skip(); continue; }
                    if (r.ValueTextEquals("text"u8)) kind = BlockKind.Text;
                    else if (r.ValueTextEquals("thinking"u8)) { kind = BlockKind.Thinking; anthropic += 2; x.RequestHasReasoningBlocks = true; }
                    else if (r.ValueTextEquals("redacted_thinking"u8)) { kind = BlockKind.Thinking; anthropic += 2; x.RequestHasReasoningBlocks = true; }
                    else if (r.ValueTextEquals("tool_result"u8)) { kind = BlockKind.ToolResult; anthropic += 2; toolResults++; }
                    else if (r.ValueTextEquals("tool_use"u8)) { kind = BlockKind.Other; anthropic += 2; }
                    else if (r.ValueTextEquals("image_url"u8) || r.ValueTextEquals("input_audio"u8)) { kind = BlockKind.Other; openai++; }
                    else kind = BlockKind.Other;
                }
                else if (r.ValueTextEquals("text"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String && AddText(ref r, x, MessageRole.User, index)) textSegment = x.SegmentCount - 1;
                    else if (r.TokenType != JsonTokenType.String) r.Skip();
                }
                else if (r.ValueTextEquals("signature"u8) || r.ValueTextEquals("data"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String && r.ValueSpan.Length > 0) x.AddRequestSignature(Hash64.Of(r.ValueSpan));
                    else r.Skip();
                }
                else if (r.ValueTextEquals("content"u8))
                {
                    // tool_result content: a string or text blocks, kept as tool text (never user text).
                    r.Read();
                    ParseToolResultContent(ref r, x, index);
                }
                else { r.Read(); r.Skip(); }
            }
            if (textSegment >= 0)
            {
                if (kind is BlockKind.Text or BlockKind.Unknown) { provisional |= 1UL << textSegment; hasText = true; }
                else x.SetSegmentRole(textSegment, kind == BlockKind.ToolResult ? MessageRole.Tool : MessageRole.Assistant);
            }
            block++;
        }
    }

    private enum BlockKind { Unknown, Text, Thinking, ToolResult, Other }

    private static void ParseToolResultContent(ref Utf8JsonReader r, Exchange x, int index)
    {
        if (r.TokenType == JsonTokenType.String) { AddText(ref r, x, MessageRole.Tool, index); return; }
        if (r.TokenType != JsonTokenType.StartArray) { r.Skip(); return; }
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.ValueTextEquals("text"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) AddText(ref r, x, MessageRole.Tool, index); else r.Skip(); }
                else { r.Read(); r.Skip(); }
            }
        }
    }

    private static void ParseTools(ref Utf8JsonReader r, Exchange x, string path, ref int openai, ref int anthropic)
    {
        if (r.TokenType == JsonTokenType.Null) return;
        if (r.TokenType != JsonTokenType.StartArray) throw new FormatFailureException(path, $"an array of tool definitions (found {ExchangeParser.Describe(r.TokenType)})");
        ulong sum = 0;
        int count = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
            ulong name = 0;
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.ValueTextEquals("name"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) name = Hash64.Of(r.ValueSpan); else r.Skip(); }
                else if (r.ValueTextEquals("function"u8))
                {
                    r.Read();
                    openai += 2;
                    if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                    while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                    {
                        if (r.ValueTextEquals("name"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String) name = Hash64.Of(r.ValueSpan); else r.Skip(); }
                        else { r.Read(); r.Skip(); }
                    }
                }
                else if (r.ValueTextEquals("input_schema"u8)) { r.Read(); anthropic += 2; r.Skip(); }
                else { r.Read(); r.Skip(); }
            }
            sum += Hash64.Mix(name);
            count++;
        }
        if (count == 0) return;
        x.ToolCount += count;
        x.ToolSetHash = Hash64.Mix(x.ToolSetHash + sum + (ulong)x.ToolCount);
    }

    private static void ParseReasoningOption(ref Utf8JsonReader r, Exchange x)
    {
        if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return; }
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("effort"u8)) { r.Read(); x.ReasoningEffort = Effort(ref r); }
            else { r.Read(); r.Skip(); }
        }
    }

    private static void ParseThinkingOption(ref Utf8JsonReader r, Exchange x)
    {
        if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return; }
        bool enabled = false;
        int budget = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.ValueTextEquals("type"u8)) { r.Read(); enabled = r.TokenType == JsonTokenType.String && !r.ValueTextEquals("disabled"u8); }
            else if (r.ValueTextEquals("budget_tokens"u8)) { r.Read(); budget = r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var b) ? b : 0; }
            else { r.Read(); r.Skip(); }
        }
        if (!enabled) return;
        x.ReasoningEffort = budget >= 16_384 ? ReasoningEffort.High : budget >= 4_096 ? ReasoningEffort.Medium : ReasoningEffort.Low;
    }

    private static ReasoningEffort Effort(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.String) { r.Skip(); return ReasoningEffort.None; }
        if (r.ValueTextEquals("high"u8) || r.ValueTextEquals("xhigh"u8)) return ReasoningEffort.High;
        if (r.ValueTextEquals("medium"u8)) return ReasoningEffort.Medium;
        if (r.ValueTextEquals("low"u8) || r.ValueTextEquals("minimal"u8)) return ReasoningEffort.Low;
        return ReasoningEffort.None;
    }

    /// <summary>Hashes every <c>signature</c>, <c>data</c> or <c>encrypted_content</c> string inside the current value.</summary>
    internal static void ScanSignatures(ref Utf8JsonReader r, Exchange x, bool request)
    {
        if (r.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        int depth = r.CurrentDepth;
        while (r.Read() && !(r.CurrentDepth == depth && r.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray))
        {
            if (r.TokenType != JsonTokenType.PropertyName) continue;
            bool signature = r.ValueTextEquals("signature"u8) || r.ValueTextEquals("encrypted_content"u8) || r.ValueTextEquals("data"u8);
            r.Read();
            if (signature && r.TokenType == JsonTokenType.String && r.ValueSpan.Length > 0)
            {
                ulong h = Hash64.Of(r.ValueSpan);
                if (request) x.AddRequestSignature(h); else x.AddResponseSignature(h);
            }
        }
    }

    private static int Int(ref Utf8JsonReader r, string path, int absent)
    {
        if (r.TokenType == JsonTokenType.Null) return absent;
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var d) && d >= int.MinValue && d <= int.MaxValue) return (int)d;
        throw new FormatFailureException(path, $"a number (found {ExchangeParser.Describe(r.TokenType)})");
    }

    /// <summary>Reads a model name (at most 256 characters are kept).</summary>
    internal static void ReadModel(ref Utf8JsonReader r, Exchange x)
    {
        if (r.TokenType != JsonTokenType.String) { r.Skip(); return; }
        if (r.ValueSpan.Length > 256) { x.SetModel(System.Text.Encoding.UTF8.GetString(r.ValueSpan[..256])); return; }
        Span<char> name = stackalloc char[256];
        int n = r.CopyString(name);
        x.SetModel(name[..n]);
    }

    /// <summary>Copies the current string token into a new segment.</summary>
    /// <returns>False when the segment table was full (the text is dropped and counted).</returns>
    internal static bool AddText(ref Utf8JsonReader r, Exchange x, MessageRole role, int index)
    {
        var dest = x.ReserveSegment(r.ValueSpan.Length);
        int n = JsonStringCopier.Copy(ref r, dest);
        return x.CommitSegment(role, index, n);
    }
}
