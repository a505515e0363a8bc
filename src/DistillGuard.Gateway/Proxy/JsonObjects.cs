using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistillGuard.Gateway.Proxy;

/// <summary>Lenient parsing of response bodies and stream events: anything that is not a JSON object is passed over, not an error.</summary>
internal static class JsonObjects
{
    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public static JsonObject? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An SSE event's data as a JSON object, or null when it is not one (<c>[DONE]</c>, text, malformed).</summary>
    public static JsonObject? TryParse(string data)
    {
        if (data.Length == 0 || data[0] != '{') return null;
        try
        {
            return JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
