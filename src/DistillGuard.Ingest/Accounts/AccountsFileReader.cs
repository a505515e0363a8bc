using System.Text.Json;
using DistillGuard.Core.Profiles;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Ingest.Accounts;

/// <summary>
/// Reads the optional accounts file (JSONL): <c>account_id</c> (required), <c>created_at</c> (RFC 3339),
/// <c>org_id</c>, <c>email_domain</c>, <c>payment_fingerprint</c>, <c>tier</c>, <c>program</c>, <c>verified</c>,
/// <c>country</c>. Unknown fields are ignored; malformed lines are reported and skipped.
/// </summary>
public static class AccountsFileReader
{
    /// <summary>Reads every account in <paramref name="source"/>.</summary>
    public static List<AccountMetadata> Read(InputSource source, Action<IngestError> error)
    {
        var result = new List<AccountMetadata>();
        using var content = source.Open(out _);
        using var lines = new LineReader(content);
        while (lines.ReadLine(out var bytes, out bool oversized))
        {
            if (oversized) { error(new IngestError(source.Name, lines.LineNumber, "(line)", "a line of at most 64 MiB")); continue; }
            if (bytes.Trim(" \t\r"u8).IsEmpty) continue;
            try
            {
                var m = Parse(bytes, out var field, out var expected);
                if (m is null) error(new IngestError(source.Name, lines.LineNumber, field!, expected!));
                else result.Add(m);
            }
            catch (JsonException e)
            {
                error(new IngestError(source.Name, lines.LineNumber, "(line)", $"valid JSON ({e.Message.Split(" Path:")[0]})"));
            }
        }
        return result;
    }

    private static AccountMetadata? Parse(ReadOnlySpan<byte> line, out string? field, out string? expected)
    {
        field = expected = null;
        var r = new Utf8JsonReader(line);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { field = "(line)"; expected = "a JSON object, one account per line"; return null; }
        string? id = null, org = null, domain = null, payment = null, tier = null, program = null, country = null;
        long? created = null;
        bool? verified = null;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            string name = r.GetString()!;
            r.Read();
            switch (name)
            {
                case "account_id":
                    id = r.TokenType switch { JsonTokenType.String => r.GetString(), JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(r.ValueSpan), _ => null };
                    if (string.IsNullOrWhiteSpace(id)) { field = name; expected = "a non-empty string"; return null; }
                    break;
                case "created_at":
                    if (r.TokenType == JsonTokenType.Null) break;
                    if (r.TokenType != JsonTokenType.String || !r.TryGetDateTimeOffset(out var dto)) { field = name; expected = "an RFC 3339 date-time or null"; return null; }
                    created = dto.ToUnixTimeMilliseconds();
                    break;
                case "verified":
                    if (r.TokenType is JsonTokenType.True or JsonTokenType.False) verified = r.GetBoolean();
                    else if (r.TokenType != JsonTokenType.Null) { field = name; expected = "true, false or null"; return null; }
                    break;
                case "org_id": org = Str(ref r, name, ref field, ref expected); break;
                case "email_domain": domain = Str(ref r, name, ref field, ref expected); break;
                case "payment_fingerprint": payment = Str(ref r, name, ref field, ref expected); break;
                case "tier": tier = Str(ref r, name, ref field, ref expected); break;
                case "program": program = Str(ref r, name, ref field, ref expected); break;
                case "country": country = Str(ref r, name, ref field, ref expected); break;
                default: r.Skip(); break;
            }
            if (field is not null) return null;
        }
        if (id is null) { field = "account_id"; expected = "a non-empty string (required field is missing)"; return null; }
        return new AccountMetadata(id, created, org, domain, payment, tier, program, verified, country);
    }

    private static string? Str(ref Utf8JsonReader r, string name, ref string? field, ref string? expected)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        if (r.TokenType == JsonTokenType.String) return r.GetString();
        if (r.TokenType == JsonTokenType.Number) return System.Text.Encoding.UTF8.GetString(r.ValueSpan);
        field = name;
        expected = "a string or null";
        r.Skip();
        return null;
    }
}
