using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Engine;
using DistillGuard.Gateway.Identity;
using DistillGuard.Gateway.Policy;
using DistillGuard.Gateway.Storage;
using DistillGuard.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace DistillGuard.Gateway.Proxy;

/// <summary>
/// Handles <c>POST /v1/chat/completions</c> and <c>POST /v1/messages</c>: identifies the account, reads the request,
/// asks the policy what to do given the account's current verdict, answers an enforced refusal itself or forwards the
/// request with YARP (streams included) through a <see cref="ResponseCapture"/>, then writes the exchange to the
/// journal and hands it to the detector before completing. Upstream errors pass through unchanged.
/// </summary>
public sealed class ProxyHandler
{
    private readonly GatewayOptions _options;
    private readonly AccountResolver _resolver;
    private readonly VerdictBoard _board;
    private readonly PolicyEngine _policy;
    private readonly ThrottleRegistry _throttle;
    private readonly IDetectorHost _engine;
    private readonly ExchangeJournal _journal;
    private readonly AuditLog _audit;
    private readonly GatewayMetrics _metrics;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ILogger _log;
    private readonly CaptureTransformer _transformer;
    private readonly ForwarderRequestConfig _requestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(10) };

    /// <summary>Creates the handler.</summary>
    public ProxyHandler(GatewayOptions options, AccountResolver resolver, VerdictBoard board, PolicyEngine policy, ThrottleRegistry throttle,
        IDetectorHost engine, ExchangeJournal journal, AuditLog audit, GatewayMetrics metrics, IHttpForwarder forwarder, HttpMessageInvoker client, ILogger log)
    {
        _options = options;
        _resolver = resolver;
        _board = board;
        _policy = policy;
        _throttle = throttle;
        _engine = engine;
        _journal = journal;
        _audit = audit;
        _metrics = metrics;
        _forwarder = forwarder;
        _client = client;
        _log = log;
        _transformer = new CaptureTransformer(options.Identity);
    }

    /// <summary>Handles one API request.</summary>
    public async Task HandleAsync(HttpContext ctx)
    {
        var started = DateTimeOffset.UtcNow;
        long t0 = Stopwatch.GetTimestamp();
        string requestId = "dg-" + Guid.NewGuid().ToString("N")[..20];
        bool anthropic = ctx.Request.Path.StartsWithSegments("/v1/messages");
        var cancel = ctx.RequestAborted;

        var identity = _resolver.Resolve(ctx.Request);
        if (identity is null)
        {
            if (_options.Identity.RequireAccount)
            {
                _metrics.Requests.Add(1, new KeyValuePair<string, object?>("action", "unidentified"));
                await ErrorBodies.WriteAsync(ctx, anthropic, 401, "distillguard_unknown_account", "The API key is not known to the gateway.", requestId);
                return;
            }
            _metrics.Unmonitored.Add(1);
            await ForwardPlainAsync(ctx);
            return;
        }

        if (ctx.Request.ContentLength > _options.MaxRequestBytes)
        {
            await ErrorBodies.WriteAsync(ctx, anthropic, 413, "distillguard_request_too_large", $"Request bodies are limited to {_options.MaxRequestBytes:N0} bytes.", requestId);
            return;
        }
        var body = await ReadBodyAsync(ctx.Request, _options.MaxRequestBytes, cancel);
        if (body is null)
        {
            await ErrorBodies.WriteAsync(ctx, anthropic, 413, "distillguard_request_too_large", $"Request bodies are limited to {_options.MaxRequestBytes:N0} bytes.", requestId);
            return;
        }

        long nowMs = started.ToUnixTimeMilliseconds();
        var verdict = _board.Get(identity.AccountId);
        var enforcement = _policy.Decide(identity.AccountId, verdict, nowMs);
        bool dryRun = _policy.DryRun;

        // Refusals the gateway answers itself.
        int status = 0, retryAfter = 0;
        string? code = null, message = null;
        switch (enforcement.Action)
        {
            case PolicyAction.Block:
                status = 403; code = "distillguard_blocked"; message = "This account is blocked.";
                break;
            case PolicyAction.RequireVerification:
                status = 403; code = "distillguard_verification_required"; message = "This account must complete verification before further use.";
                break;
            case PolicyAction.Throttle when enforcement.Throttle is not null:
                retryAfter = _throttle.TryAdmit(identity.AccountId, enforcement.Throttle, nowMs);
                if (retryAfter > 0) { status = 429; code = "distillguard_rate_limited"; message = "Rate limit exceeded for this account."; }
                break;
        }

        // Fail mode: the detector must be able to take the exchange.
        bool monitored = _engine.Failure is null && _engine.QueueLength < _options.EngineQueue;
        if (!monitored && _options.FailMode == FailMode.Closed && status == 0)
        {
            _metrics.Requests.Add(1, new KeyValuePair<string, object?>("action", "fail_closed"));
            await ErrorBodies.WriteAsync(ctx, anthropic, 503, "distillguard_unavailable", "The gateway's detector is unavailable; try again shortly.", requestId, retryAfterSeconds: 5);
            return;
        }

        bool refuse = status != 0 && !dryRun;
        // Refusals are audited before the client is told; forwarded requests once the upstream has answered, with its status.
        string audited = Describe(enforcement, status);
        void Audit(int returned)
        {
            if (enforcement.Action != PolicyAction.Allow)
                _audit.Record(new AuditEntry(nowMs, identity.AccountId, audited, enforcement.Rule, string.Join(',', verdict?.Reasons ?? []),
                    verdict?.Verdict ?? "benign", verdict?.Risk ?? 0, dryRun, returned, requestId));
        }
        if (refuse) Audit(status);
        _metrics.Requests.Add(1, new KeyValuePair<string, object?>("action", refuse ? Describe(enforcement, status) : enforcement.WithholdReasoning && !dryRun ? "withhold_reasoning" : "forward"));

        byte[]? responseBody = null;
        if (refuse)
        {
            await ErrorBodies.WriteAsync(ctx, anthropic, status, code!, message!, requestId, enforcement.Action,
                enforcement.Action == PolicyAction.RequireVerification ? _policy.Options.VerificationUrl : null, retryAfter);
        }
        else
        {
            _metrics.AddedDuration.Record(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            long tf = Stopwatch.GetTimestamp();
            ctx.Request.Body = new MemoryStream(body, writable: false);
            ctx.Request.ContentLength = body.Length;
            var original = ctx.Response.Body;
            bool withhold = enforcement.WithholdReasoning && !dryRun;
            var capture = new ResponseCapture(ctx.Response, withhold);
            ctx.Response.Body = capture;
            ctx.Items[CaptureTransformer.WithholdKey] = withhold;
            try
            {
                var error = await _forwarder.SendAsync(ctx, _options.Upstream, _client, _requestConfig, _transformer);
                if (error != ForwarderError.None)
                    _log.LogWarning("Upstream {Error} for {RequestId}: {Exception}", error, requestId, ctx.GetForwarderErrorFeature()?.Exception?.Message);
                await capture.CompleteAsync(cancel);
            }
            finally
            {
                ctx.Response.Body = original;
            }
            _metrics.UpstreamDuration.Record(Stopwatch.GetElapsedTime(tf).TotalMilliseconds);
            status = ctx.Response.StatusCode;
            responseBody = capture.Captured;
            Audit(status);
            if (enforcement.Throttle is not null) _throttle.Charge(identity.AccountId, UsageTokens(responseBody));
        }

        // The exchange: journaled (storage mode) and handed to the detector (full text) before the response completes.
        long latency = (long)Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        string? ip = ClientIp(ctx);
        string? ua = ctx.Request.Headers.UserAgent.FirstOrDefault();
        // A body that is not JSON is recorded as null (the record validates it once, as it writes it).
        var full = ExchangeRecord.Build(requestId, started, identity, ip, ua, body, responseBody, latency, status, enforcement, StorageMode.Full);
        var stored = _options.Storage.Mode == StorageMode.Full ? full
            : ExchangeRecord.Build(requestId, started, identity, ip, ua, body, responseBody, latency, status, enforcement, _options.Storage.Mode);
        _journal.Append(stored);
        if (!monitored || !_engine.TryEnqueue(full)) _metrics.Unmonitored.Add(1);
    }

    private string? ClientIp(HttpContext ctx)
    {
        if (_options.Identity.ClientIpHeader.Length > 0 && ctx.Request.Headers[_options.Identity.ClientIpHeader].FirstOrDefault() is { } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (IPAddress.TryParse(first, out var parsed)) return (parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed).ToString();
        }
        return ctx.Connection.RemoteIpAddress is { } addr ? (addr.IsIPv4MappedToIPv6 ? addr.MapToIPv4() : addr).ToString() : null;
    }

    private static string Describe(Enforcement e, int status) => e.Action switch
    {
        PolicyAction.Throttle => status == 429 ? "throttle_limited" : "throttle_admitted",
        PolicyAction.WithholdReasoning => "withhold_reasoning",
        PolicyAction.RequireVerification => "require_verification",
        _ => e.Action.ToString().ToLowerInvariant(),
    };

    private async Task ForwardPlainAsync(HttpContext ctx)
    {
        var error = await _forwarder.SendAsync(ctx, _options.Upstream, _client, _requestConfig, HttpTransformer.Default);
        if (error != ForwarderError.None) _log.LogWarning("Upstream {Error}", error);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long max, CancellationToken cancel)
    {
        using var ms = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 4096);
        var buffer = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, cancel)) > 0)
        {
            if (ms.Length + n > max) return null;
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    /// <summary>Input + output tokens reported in a response's usage (OpenAI or Anthropic), 0 when absent.</summary>
    internal static int UsageTokens(byte[]? response)
    {
        if (response is null) return 0;
        try
        {
            using var doc = JsonDocument.Parse(response);
            if (!doc.RootElement.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object) return 0;
            int Get(string name) => u.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;
            int total = Get("total_tokens");
            return total > 0 ? total : Get("prompt_tokens") + Get("completion_tokens") + Get("input_tokens") + Get("output_tokens");
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>
    /// YARP transform: asks the upstream for an uncompressed response (so it can be read and filtered), strips the
    /// identity headers of a trusted auth layer, and drops <c>Content-Length</c> of a JSON body that will be rewritten.
    /// </summary>
    private sealed class CaptureTransformer(IdentityOptions identity) : HttpTransformer
    {
        public const string WithholdKey = "distillguard.withhold";

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.AcceptEncoding.Clear();
            if (identity.Mode == IdentityMode.Header && identity.StripHeaders)
            {
                proxyRequest.Headers.Remove(identity.AccountHeader);
                proxyRequest.Headers.Remove(identity.OrgHeader);
            }
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            bool result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            if (httpContext.Items[WithholdKey] is true && proxyResponse?.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
                httpContext.Response.Headers.ContentLength = null;
            return result;
        }
    }
}
