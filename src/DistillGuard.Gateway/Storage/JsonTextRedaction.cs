using System.Buffers;
using System.Text.Json;
using DistillGuard.Core.Text;
using DistillGuard.Gateway.Configuration;

namespace DistillGuard.Gateway.Storage;

/// <summary>
/// Rewrites a request or response body for the exchange log according to the storage mode: every string value is
/// redacted (<see cref="Redactor"/>: e-mail addresses, URLs, IPs, long numbers, keys) or emptied, except structural
/// fields that detection needs as they are (roles, types, model, ids, tool names, reasoning signatures). Structure,
/// numbers and booleans are kept, so message counts, turns, tools, usage and signatures survive.
/// </summary>
public static class JsonTextRedaction
{
    private static readonly HashSet<string> Preserved = new(StringComparer.Ordinal)
    {
        "role", "type", "model", "id", "object", "name", "signature", "data", "tool_call_id", "finish_reason", "stop_reason",
        "reasoning_effort", "tool_choice", "stop_sequence", "service_tier",
    };

    /// <summary>The body as stored under <paramref name="mode"/> (the input itself for <see cref="StorageMode.Full"/>).</summary>
    /// <exception cref="JsonException">The body is not valid JSON.</exception>
    public static byte[] Apply(byte[] json, StorageMode mode)
    {
        if (mode == StorageMode.Full) return json;
        var output = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(output))
        {
            var reader = new Utf8JsonReader(json);
            string? property = null;
            var containers = new Stack<string?>();
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        writer.WritePropertyName(property!);
                        break;
                    case JsonTokenType.StartObject:
                        containers.Push(property);
                        writer.WriteStartObject();
                        property = null;
                        break;
                    case JsonTokenType.StartArray:
                        containers.Push(property);
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        property = containers.Count > 0 ? containers.Pop() : null;
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        property = containers.Count > 0 ? containers.Pop() : null;
                        break;
                    case JsonTokenType.String:
                        string value = reader.GetString()!;
                        if (property is not null && Preserved.Contains(property)) writer.WriteStringValue(value);
                        else writer.WriteStringValue(mode == StorageMode.MetadataOnly ? "" : Redactor.Redact(value));
                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                    case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                    case JsonTokenType.Null: writer.WriteNullValue(); break;
                }
            }
        }
        return output.WrittenSpan.ToArray();
    }
}
