using System.Text.Json.Nodes;
using DistillGuard.Gateway.Policy;
using Microsoft.AspNetCore.Http;

namespace DistillGuard.Gateway.Proxy;

/// <summary>
/// Error responses in the shape the client's SDK expects: OpenAI (<c>{"error": {message, type, code}}</c>) or Anthropic
/// (<c>{"type": "error", "error": {type, message}}</c>), each with a machine-readable <c>code</c> and the gateway's
/// request id. Reason codes are not disclosed (they would teach an operator what to change).
/// </summary>
internal static class ErrorBodies
{
    public static async Task WriteAsync(HttpContext ctx, bool anthropic, int status, string code, string message, string requestId,
        PolicyAction? action = null, string? verificationUrl = null, int retryAfterSeconds = 0)
    {
        string type = status switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            503 => "overloaded_error",
            _ => "api_error",
        };
        var detail = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["request_id"] = requestId };
        if (action is not null) detail["action"] = action.Value switch
        {
            PolicyAction.Block => "block",
            PolicyAction.RequireVerification => "require_verification",
            PolicyAction.Throttle => "throttle",
            _ => action.Value.ToString().ToLowerInvariant(),
        };
        if (!string.IsNullOrEmpty(verificationUrl)) detail["verification_url"] = verificationUrl;
        var body = anthropic ? new JsonObject { ["type"] = "error", ["error"] = detail } : new JsonObject { ["error"] = detail };
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["x-distillguard-request-id"] = requestId;
        if (retryAfterSeconds > 0) ctx.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ctx.Response.WriteAsync(body.ToJsonString());
    }
}
