using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using DistillGuard.Core.Exchanges;

namespace DistillGuard.Ingest.Formats;

/// <summary>
/// Parses one exchange-log line (docs/exchange-log.md) into an <see cref="Exchange"/> with a forward-only
/// <see cref="Utf8JsonReader"/>: no DOM, no per-field strings; text is unescaped straight into the exchange's arena.
/// The request and response bodies are read by <see cref="RequestParser"/> and <see cref="ResponseParser"/>, which
/// tell OpenAI Chat Completions and Anthropic Messages apart by shape.
/// </summary>
/// <remarks>Not thread-safe (it owns a scratch buffer): use one parser per reader.</remarks>
public sealed class ExchangeParser
{
    private char[] _scratch = new char[256];

    /// <summary>Parses <paramref name="line"/> into <paramref name="x"/> (which is reset first).</summary>
    /// <returns>Null on success, else the field that failed and what was expected.</returns>
    public ParseFailure? Parse(ReadOnlySpan<byte> line, Exchange x)
    {
        x.Reset();
        try
        {
            var r = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return new ParseFailure("(line)", "a JSON object, one exchange per line");
            bool hasTime = false;
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                if (r.ValueTextEquals("account_id"u8)) { r.Read(); ReadId(ref r, "account_id", x, static (e, v) => e.SetAccountId(v)); }
                else if (r.ValueTextEquals("timestamp"u8)) { r.Read(); x.TimestampMs = ReadTimestamp(ref r); hasTime = true; }
                else if (r.ValueTextEquals("request"u8)) { r.Read(); if (r.TokenType != JsonTokenType.Null) RequestParser.Parse(ref r, x); }
                else if (r.ValueTextEquals("response"u8)) { r.Read(); if (r.TokenType != JsonTokenType.Null) ResponseParser.Parse(ref r, x); }
                else if (r.ValueTextEquals("id"u8)) { r.Read(); ReadOptionalId(ref r, "id", x, static (e, v) => e.SetId(v)); }
                else if (r.ValueTextEquals("client_ip"u8)) { r.Read(); ReadOptionalString(ref r, "client_ip", x, static (e, v) => e.SetClientIp(v)); }
                else if (r.ValueTextEquals("user_agent"u8)) { r.Read(); ReadOptionalString(ref r, "user_agent", x, static (e, v) => e.SetUserAgent(v)); }
                else if (r.ValueTextEquals("org_id"u8)) { r.Read(); ReadOptionalId(ref r, "org_id", x, static (e, v) => e.SetOrgId(v)); }
                else if (r.ValueTextEquals("api_key_id"u8)) { r.Read(); ReadOptionalId(ref r, "api_key_id", x, static (e, v) => e.SetApiKeyId(v)); }
                else if (r.ValueTextEquals("country"u8)) { r.Read(); ReadOptionalString(ref r, "country", x, static (e, v) => e.SetCountry(v)); }
                else if (r.ValueTextEquals("latency_ms"u8)) { r.Read(); x.LatencyMs = ReadOptionalInt(ref r, "latency_ms", -1); }
                else if (r.ValueTextEquals("status"u8)) { r.Read(); x.Status = ReadOptionalInt(ref r, "status", -1); }
                else { r.Read(); r.Skip(); }
            }
            if (x.AccountId.IsEmpty) return new ParseFailure("account_id", "a non-empty string (required field is missing)");
            if (!hasTime) return new ParseFailure("timestamp", "an RFC 3339 date-time such as 2026-02-01T12:00:00Z (required field is missing)");
            return null;
        }
        catch (FormatFailureException e)
        {
            return e.Failure;
        }
        catch (JsonException e)
        {
            return new ParseFailure("(line)", $"valid JSON ({Shorten(e.Message)})");
        }
        catch (InvalidOperationException e)
        {
            return new ParseFailure("(line)", $"valid JSON ({Shorten(e.Message)})");
        }
    }

    private static string Shorten(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    // Static lambdas taking the exchange are cached by the compiler: no delegate is allocated per field.
    private delegate void Setter(Exchange x, ReadOnlySpan<char> value);

    private void ReadId(ref Utf8JsonReader r, string field, Exchange x, Setter set)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            var chars = Unescape(ref r);
            if (chars.IsWhiteSpace()) throw new FormatFailureException(field, "a non-empty string (found an empty string)");
            set(x, chars);
            return;
        }
        if (r.TokenType == JsonTokenType.Number)
        {
            var raw = r.ValueSpan;
            Span<char> digits = stackalloc char[raw.Length];
            for (int i = 0; i < raw.Length; i++) digits[i] = (char)raw[i];
            set(x, digits);
            return;
        }
        throw new FormatFailureException(field, $"a non-empty string (found {Describe(r.TokenType)})");
    }

    private void ReadOptionalId(ref Utf8JsonReader r, string field, Exchange x, Setter set)
    {
        if (r.TokenType == JsonTokenType.Null) return;
        ReadId(ref r, field, x, set);
    }

    private void ReadOptionalString(ref Utf8JsonReader r, string field, Exchange x, Setter set)
    {
        if (r.TokenType == JsonTokenType.Null) return;
        if (r.TokenType != JsonTokenType.String) throw new FormatFailureException(field, $"a string or null (found {Describe(r.TokenType)})");
        set(x, Unescape(ref r));
    }

    private static int ReadOptionalInt(ref Utf8JsonReader r, string field, int absent)
    {
        if (r.TokenType == JsonTokenType.Null) return absent;
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var d) && d >= int.MinValue && d <= int.MaxValue) return (int)d;
        throw new FormatFailureException(field, $"a number or null (found {Describe(r.TokenType)})");
    }

    private static long ReadTimestamp(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            if (r.TryGetDateTimeOffset(out var dto)) return dto.ToUnixTimeMilliseconds();
            Span<char> text = stackalloc char[Math.Min(r.ValueSpan.Length, 64)];
            int n = r.ValueSpan.Length <= 64 ? r.CopyString(text) : 0;
            if (n > 0 && DateTimeOffset.TryParse(text[..n], System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out dto))
                return dto.ToUnixTimeMilliseconds();
            throw new FormatFailureException("timestamp", $"an RFC 3339 date-time such as 2026-02-01T12:00:00Z (found \"{Preview(r.ValueSpan)}\")");
        }
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var number) && number > 0)
        {
            // Unix seconds or milliseconds (accepted for convenience; RFC 3339 is the documented form).
            return number < 1e11 ? (long)(number * 1000) : (long)number;
        }
        throw new FormatFailureException("timestamp", $"an RFC 3339 date-time string (found {Describe(r.TokenType)})");
    }

    private ReadOnlySpan<char> Unescape(ref Utf8JsonReader r)
    {
        int max = r.HasValueSequence ? checked((int)r.ValueSequence.Length) : r.ValueSpan.Length;
        if (_scratch.Length < max) _scratch = new char[Math.Max(max, _scratch.Length * 2)];
        int n = JsonStringCopier.Copy(ref r, _scratch);
        return _scratch.AsSpan(0, n);
    }

    internal static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    internal static string Preview(ReadOnlySpan<byte> raw)
    {
        var s = System.Text.Encoding.UTF8.GetString(raw.Length > 40 ? raw[..40] : raw);
        return raw.Length > 40 ? s + "…" : s;
    }
}
