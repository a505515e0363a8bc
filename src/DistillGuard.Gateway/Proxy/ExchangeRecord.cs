using System.Buffers;
using System.Text.Json;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Identity;
using DistillGuard.Gateway.Policy;
using DistillGuard.Gateway.Storage;

namespace DistillGuard.Gateway.Proxy;

/// <summary>
/// One proxied exchange as a line of the exchange-log format (docs/exchange-log.md), plus a <c>gateway</c> object with
/// the enforcement action. The detector gets the full text; the journal gets the storage mode's version.
/// </summary>
internal static class ExchangeRecord
{
    /// <summary>Writes the line.</summary>
    /// <param name="requestId">Gateway request id (the exchange id).</param>
    /// <param name="started">Request arrival.</param>
    /// <param name="identity">Account.</param>
    /// <param name="clientIp">Client address.</param>
    /// <param name="userAgent">Client user agent.</param>
    /// <param name="request">Request body, or null; written as null when it is empty or not valid JSON.</param>
    /// <param name="response">Response body (JSON, streams rebuilt) or null.</param>
    /// <param name="latencyMs">Milliseconds from arrival to the end of the response.</param>
    /// <param name="status">HTTP status returned.</param>
    /// <param name="enforcement">What the policy decided.</param>
    /// <param name="mode">Storage mode applied to the bodies.</param>
    public static byte[] Build(string requestId, DateTimeOffset started, AccountIdentity identity, string? clientIp, string? userAgent,
        byte[]? request, byte[]? response, long latencyMs, int status, Enforcement enforcement, StorageMode mode)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (request?.Length ?? 0) + (response?.Length ?? 0));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", requestId);
            w.WriteString("timestamp", started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
            w.WriteString("account_id", identity.AccountId);
            if (identity.OrgId is not null) w.WriteString("org_id", identity.OrgId);
            if (identity.ApiKeyId is not null) w.WriteString("api_key_id", identity.ApiKeyId);
            if (clientIp is not null) w.WriteString("client_ip", clientIp);
            if (userAgent is not null) w.WriteString("user_agent", userAgent);
            w.WritePropertyName("request");
            WriteBody(w, request, mode);
            w.WritePropertyName("response");
            WriteBody(w, response, mode);
            w.WriteNumber("latency_ms", latencyMs);
            w.WriteNumber("status", status);
            w.WriteStartObject("gateway");
            w.WriteString("action", enforcement.Action.ToString());
            w.WriteString("rule", enforcement.Rule);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteBody(Utf8JsonWriter w, byte[]? body, StorageMode mode)
    {
        if (body is null || body.Length == 0) { w.WriteNullValue(); return; }
        try
        {
            w.WriteRawValue(JsonTextRedaction.Apply(body, mode), skipInputValidation: false);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            w.WriteNullValue();
        }
    }
}
