using System.Diagnostics.Metrics;

namespace DistillGuard.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments (meter <c>DistillGuard.Gateway</c>), exported through OpenTelemetry: a Prometheus scrape
/// endpoint at <c>/metrics</c>, and OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "DistillGuard.Gateway";

    private readonly Meter _meter = new(MeterName, "1.0");

    /// <summary>Creates the instruments.</summary>
    /// <param name="queueLength">Reads the detector's queue length.</param>
    public GatewayMetrics(Func<int> queueLength)
    {
        Requests = _meter.CreateCounter<long>("distillguard.gateway.requests", "{request}", "Proxied API requests by enforcement action");
        ExchangesAnalysed = _meter.CreateCounter<long>("distillguard.gateway.exchanges_analysed", "{exchange}", "Exchanges processed by the detector");
        Unmonitored = _meter.CreateCounter<long>("distillguard.gateway.unmonitored", "{request}", "Requests forwarded without detection (detector overloaded or failed, fail-open)");
        UpstreamDuration = _meter.CreateHistogram<double>("distillguard.gateway.upstream.duration", "ms", "Time from forwarding to the end of the upstream response");
        AddedDuration = _meter.CreateHistogram<double>("distillguard.gateway.added.duration", "ms", "Time the gateway adds before forwarding (identity, policy, body read)");
        _meter.CreateObservableGauge("distillguard.gateway.detector.queue", queueLength, "{exchange}", "Exchanges waiting for the detector");
    }

    /// <summary>Requests by action (tag <c>action</c>).</summary>
    public Counter<long> Requests { get; }

    /// <summary>Exchanges processed by the detector.</summary>
    public Counter<long> ExchangesAnalysed { get; }

    /// <summary>Requests forwarded without detection.</summary>
    public Counter<long> Unmonitored { get; }

    /// <summary>Upstream time per request, in milliseconds.</summary>
    public Histogram<double> UpstreamDuration { get; }

    /// <summary>Gateway time before forwarding, in milliseconds.</summary>
    public Histogram<double> AddedDuration { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
