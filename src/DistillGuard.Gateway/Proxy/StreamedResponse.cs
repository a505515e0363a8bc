using System.Text;
using System.Text.Json.Nodes;

namespace DistillGuard.Gateway.Proxy;

/// <summary>
/// Rebuilds, from the events of a streamed (SSE) response, the non-streamed response the detector reads: an OpenAI
/// <c>chat.completion</c> (content, reasoning, tool calls, usage) or an Anthropic <c>message</c> (text, thinking with
/// signature, tool-use blocks, usage). Only what detection needs is kept, and each text is capped.
/// </summary>
public sealed class StreamedResponse
{
    /// <summary>Characters kept per text field.</summary>
    public const int TextCap = 64 * 1024;

    private readonly StringBuilder _content = new(), _reasoning = new();
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Args)> _toolCalls = new();
    private JsonObject? _usage;
    private string? _model, _finish;
    private bool _anthropic;
    private readonly SortedDictionary<int, JsonObject> _blocks = new();
    private readonly Dictionary<int, StringBuilder> _blockText = new();
    private int _events;

    /// <summary>Events seen.</summary>
    public int Events => _events;

    /// <summary>Reads one event's data (the JSON after <c>data:</c>).</summary>
    public void Add(string data) => Add(JsonObjects.TryParse(data));

    /// <summary>Reads one event already parsed (null: not a JSON object). Nothing of <paramref name="o"/> is kept by reference.</summary>
    public void Add(JsonObject? o)
    {
        if (o is null) return;
        _events++;
        if (o["type"]?.GetValue<string>() is { } type) AddAnthropic(type, o);
        else AddOpenAi(o);
    }

    private void AddOpenAi(JsonObject o)
    {
        _model ??= o["model"]?.GetValue<string>();
        if (o["usage"] is JsonObject usage) _usage = (JsonObject)usage.DeepClone();
        if (o["choices"] is not JsonArray choices) return;
        foreach (var c in choices)
        {
            if (c is null || (c["index"]?.GetValue<int>() ?? 0) != 0) continue;
            if (c["finish_reason"]?.GetValue<string>() is { } f) _finish = f;
            if (c["delta"] is not JsonObject delta) continue;
            Append(_content, delta["content"]);
            Append(_reasoning, delta["reasoning_content"]);
            Append(_reasoning, delta["reasoning"]);
            if (delta["tool_calls"] is JsonArray calls)
                foreach (var call in calls)
                {
                    if (call is null) continue;
                    int i = call["index"]?.GetValue<int>() ?? 0;
                    if (!_toolCalls.TryGetValue(i, out var t)) t = (null, null, new StringBuilder());
                    t.Id ??= call["id"]?.GetValue<string>();
                    t.Name ??= call["function"]?["name"]?.GetValue<string>();
                    Append(t.Args, call["function"]?["arguments"]);
                    _toolCalls[i] = t;
                }
        }
    }

    private void AddAnthropic(string type, JsonObject o)
    {
        _anthropic = true;
        switch (type)
        {
            case "message_start":
                _model = o["message"]?["model"]?.GetValue<string>();
                if (o["message"]?["usage"] is JsonObject u) _usage = (JsonObject)u.DeepClone();
                break;
            case "content_block_start" when o["content_block"] is JsonObject block:
            {
                int i = o["index"]?.GetValue<int>() ?? _blocks.Count;
                _blocks[i] = (JsonObject)block.DeepClone();
                break;
            }
            case "content_block_delta" when o["delta"] is JsonObject delta:
            {
                int i = o["index"]?.GetValue<int>() ?? 0;
                if (!_blocks.TryGetValue(i, out var block)) _blocks[i] = block = new JsonObject { ["type"] = "text" };
                if (!_blockText.TryGetValue(i, out var sb)) _blockText[i] = sb = new StringBuilder();
                switch (delta["type"]?.GetValue<string>())
                {
                    case "text_delta": Append(sb, delta["text"]); break;
                    case "thinking_delta": Append(sb, delta["thinking"]); break;
                    case "input_json_delta": Append(sb, delta["partial_json"]); break;
                    case "signature_delta": block["signature"] = (block["signature"]?.GetValue<string>() ?? "") + delta["signature"]?.GetValue<string>(); break;
                }
                break;
            }
            case "message_delta":
                _finish = o["delta"]?["stop_reason"]?.GetValue<string>() ?? _finish;
                if (o["usage"] is JsonObject du)
                {
                    _usage ??= new JsonObject();
                    foreach (var (k, v) in du) _usage[k] = v?.DeepClone();
                }
                break;
        }
    }

    private static void Append(StringBuilder sb, JsonNode? value)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var s) && sb.Length < TextCap) sb.Append(s, 0, Math.Min(s.Length, TextCap - sb.Length));
    }

    /// <summary>The rebuilt response as JSON, or null when no event was understood.</summary>
    public byte[]? ToJson()
    {
        if (_events == 0) return null;
        JsonObject result;
        if (_anthropic)
        {
            var content = new JsonArray();
            foreach (var (i, block) in _blocks)
            {
                var b = (JsonObject)block.DeepClone();
                string text = _blockText.TryGetValue(i, out var sb) ? sb.ToString() : "";
                switch (b["type"]?.GetValue<string>())
                {
                    case "thinking": b["thinking"] = text; break;
                    case "tool_use":
                        try { b["input"] = text.Length > 0 ? JsonNode.Parse(text) : b["input"]?.DeepClone() ?? new JsonObject(); }
                        catch (System.Text.Json.JsonException) { b["input"] = new JsonObject(); }
                        break;
                    case "text": b["text"] = text; break;
                }
                content.Add(b);
            }
            result = new JsonObject { ["type"] = "message", ["role"] = "assistant", ["model"] = _model, ["content"] = content, ["stop_reason"] = _finish, ["usage"] = _usage?.DeepClone() };
        }
        else
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = _content.ToString() };
            if (_reasoning.Length > 0) message["reasoning_content"] = _reasoning.ToString();
            if (_toolCalls.Count > 0)
                message["tool_calls"] = new JsonArray(_toolCalls.Values.Select(t => (JsonNode)new JsonObject
                {
                    ["id"] = t.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = t.Name, ["arguments"] = t.Args.ToString() },
                }).ToArray());
            result = new JsonObject
            {
                ["object"] = "chat.completion", ["model"] = _model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = _finish }),
                ["usage"] = _usage?.DeepClone(),
            };
        }
        return Encoding.UTF8.GetBytes(result.ToJsonString());
    }
}
