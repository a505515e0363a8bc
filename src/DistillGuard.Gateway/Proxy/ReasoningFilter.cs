using System.Text.Json.Nodes;

namespace DistillGuard.Gateway.Proxy;

/// <summary>
/// Withholds reasoning from responses: OpenAI-style <c>reasoning_content</c>, <c>reasoning</c> and
/// <c>reasoning_details</c> fields of messages and stream deltas, and Anthropic <c>thinking</c> and
/// <c>redacted_thinking</c> content blocks (with their signatures) in messages and in streams, where the remaining
/// blocks are renumbered so clients see a well-formed stream.
/// </summary>
public static class ReasoningFilter
{
    private static readonly string[] OpenAiFields = ["reasoning_content", "reasoning", "reasoning_details"];

    /// <summary>A complete JSON response without its reasoning, or null when it had none (or is not JSON).</summary>
    public static byte[]? FilterJson(ReadOnlySpan<byte> body)
    {
        if (JsonObjects.TryParse(body) is not { } obj) return null;
        bool changed = false;
        if (obj["choices"] is JsonArray choices)
            foreach (var c in choices)
                if (c?["message"] is JsonObject message) changed |= RemoveFields(message);
        if (obj["content"] is JsonArray blocks) changed |= RemoveThinkingBlocks(blocks);
        return changed ? System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString()) : null;
    }

    private static bool RemoveFields(JsonObject o)
    {
        bool changed = false;
        foreach (var f in OpenAiFields) changed |= o.Remove(f);
        return changed;
    }

    private static bool IsThinking(string? type) => type is "thinking" or "redacted_thinking";

    private static bool RemoveThinkingBlocks(JsonArray blocks)
    {
        bool changed = false;
        for (int i = blocks.Count - 1; i >= 0; i--)
            if (IsThinking(blocks[i]?["type"]?.GetValue<string>())) { blocks.RemoveAt(i); changed = true; }
        return changed;
    }

    /// <summary>Per-stream state of SSE filtering (Anthropic block indexes).</summary>
    public sealed class StreamFilter
    {
        private readonly HashSet<int> _dropped = new();

        /// <summary>The event's data without reasoning; null drops the event; the input itself when unchanged.</summary>
        public string? Filter(string data) => Filter(JsonObjects.TryParse(data), data);

        /// <summary>As <see cref="Filter(string)"/> for an event already parsed into <paramref name="obj"/> (changed in place; null: not a JSON object).</summary>
        public string? Filter(JsonObject? obj, string data)
        {
            if (obj is null) return data;
            bool changed = false;
            if (obj["choices"] is JsonArray choices)
                foreach (var c in choices)
                    if (c?["delta"] is JsonObject delta) changed |= RemoveFields(delta);
            switch (obj["type"]?.GetValue<string>())
            {
                case "content_block_start":
                {
                    int index = obj["index"]?.GetValue<int>() ?? -1;
                    if (IsThinking(obj["content_block"]?["type"]?.GetValue<string>()))
                    {
                        _dropped.Add(index);
                        return null;
                    }
                    changed |= Renumber(obj, index);
                    break;
                }
                case "content_block_delta" or "content_block_stop":
                {
                    int index = obj["index"]?.GetValue<int>() ?? -1;
                    if (_dropped.Contains(index)) return null;
                    changed |= Renumber(obj, index);
                    break;
                }
                case "message_start":
                    if (obj["message"]?["content"] is JsonArray blocks) changed |= RemoveThinkingBlocks(blocks);
                    break;
            }
            return changed ? obj.ToJsonString() : data;
        }

        private bool Renumber(JsonObject obj, int index)
        {
            int shift = _dropped.Count(d => d < index);
            if (shift == 0) return false;
            obj["index"] = index - shift;
            return true;
        }
    }
}
