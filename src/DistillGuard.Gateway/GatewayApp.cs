using System.Net;
using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Hosting;
using DistillGuard.Core.Engine;
using DistillGuard.Gateway.Admin;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Engine;
using DistillGuard.Gateway.Identity;
using DistillGuard.Gateway.Policy;
using DistillGuard.Gateway.Proxy;
using DistillGuard.Gateway.Storage;
using DistillGuard.Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace DistillGuard.Gateway;

/// <summary>Thrown when the gateway's configuration is invalid; <see cref="Problems"/> lists every problem.</summary>
public sealed class GatewayConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid gateway configuration:\n  " + string.Join("\n  ", problems))
{
    /// <summary>Each problem as <c>Gateway:Path: expected (found …)</c>.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Builds the gateway: Kestrel on <see cref="GatewayOptions.Listen"/>, the two API routes through
/// <see cref="ProxyHandler"/>, every other path forwarded untouched, <c>/health</c>, <c>/alive</c>, <c>/metrics</c> and
/// the admin API, with the detector, the journal, the state database and the audit log under the data directory.
/// </summary>
public static class GatewayApp
{
    /// <summary>Reads the <c>Gateway</c> section from a JSON file (optional) and <c>DISTILLGUARD_</c> environment variables.</summary>
    /// <exception cref="GatewayConfigurationException">The file cannot be read as JSON.</exception>
    public static GatewayOptions LoadOptions(string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new GatewayConfigurationException([$"{configFile}: a readable JSON configuration file (not found)"]);
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        builder.AddEnvironmentVariables("DISTILLGUARD_");
        try
        {
            var options = new GatewayOptions();
            builder.Build().GetSection(GatewayOptions.Section).Bind(options);
            if (configFile is not null)
            {
                // Relative paths in the file are relative to the file.
                string dir = Path.GetDirectoryName(Path.GetFullPath(configFile))!;
                if (!Path.IsPathRooted(options.DataDirectory)) options.DataDirectory = Path.Combine(dir, options.DataDirectory);
                if (!Path.IsPathRooted(options.Identity.KeyMapFile)) options.Identity.KeyMapFile = Path.Combine(dir, options.Identity.KeyMapFile);
                if (options.Cluster.TlsCertificateFile.Length > 0 && !Path.IsPathRooted(options.Cluster.TlsCertificateFile))
                    options.Cluster.TlsCertificateFile = Path.Combine(dir, options.Cluster.TlsCertificateFile);
            }
            return options;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException)
        {
            throw new GatewayConfigurationException([$"{configFile}: {e.Message}"]);
        }
    }

    /// <summary>Builds the application (not started).</summary>
    /// <param name="options">Gateway options.</param>
    /// <param name="logging">Logging setup (default: one line per message on the console).</param>
    /// <param name="engineOptions">Engine options of the embedded detector.</param>
    /// <param name="cluster">
    /// With <see cref="GatewayClusterOptions.Enabled"/>: an Orleans client to use (tests host the cluster in-process);
    /// null to connect through the store its options name (<see cref="GatewayClusterOptions.Redis"/> or <see cref="GatewayClusterOptions.Postgres"/>).
    /// </param>
    /// <exception cref="GatewayConfigurationException">The options are invalid.</exception>
    public static WebApplication Build(GatewayOptions options, Action<ILoggingBuilder>? logging = null, EngineOptions? engineOptions = null, IGrainFactory? cluster = null)
    {
        var problems = GatewayOptionsValidator.Validate(options);
        if (problems.Count > 0) throw new GatewayConfigurationException(problems);
        Directory.CreateDirectory(options.DataDirectory);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Listen);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes + 1);
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            // ASP.NET Core's per-request information would drown the gateway's own messages.
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning)
                .AddFilter("Yarp", LogLevel.Warning).AddFilter("Orleans", LogLevel.Warning);
        }
        builder.Services.AddHttpForwarder();

        // Telemetry: Prometheus scrape endpoint always, OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
        var queue = new QueueProbe();
        var metrics = new GatewayMetrics(() => queue.Length());
        builder.Services.AddSingleton(metrics);
        builder.Services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.AddMeter(GatewayMetrics.MeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter();
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))) m.AddOtlpExporter();
        });


        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DistillGuard.Gateway");

        var store = new GatewayStore(options.DataDirectory);
        var journal = new ExchangeJournal(options.DataDirectory, options.Storage.RotateBytes, options.Storage.SyncToDisk, w => log.LogWarning("{Warning}", w));
        var audit = new AuditLog(store, options.DataDirectory);
        var board = new VerdictBoard();
        IDetectorHost engine;
        ClusterConnector? connector = null;
        if (options.Cluster.Enabled)
        {
            var given = cluster;
            connector = given is null ? new ClusterConnector(ClusterSettingsOf(options.Cluster), logging, log) : null;
            var connect = connector;
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            app.Lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            async Task<IGrainFactory> ConnectAfterStart(CancellationToken cancel)
            {
                await started.Task.WaitAsync(cancel);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(cancel, app.Lifetime.ApplicationStopping);
                return connect is null ? given! : await connect.ConnectAsync(both.Token);
            }
            engine = new ClusterDetectorHost(ConnectAfterStart, options.Cluster.Detector,
                new DetectorSettings { Evidence = engineOptions?.Evidence ?? EvidenceMode.Redacted, Live = true }, board, store, metrics, log, options.EngineQueue,
                TimeSpan.FromSeconds(options.SnapshotSeconds), TimeSpan.FromSeconds(options.Cluster.FastFailureDetection ? 4 : 15));
        }
        else
        {
            var replay = options.Storage.ReplayOnStart && options.Storage.Mode != StorageMode.MetadataOnly ? journal.Files() : [];
            engine = new EngineHost(new DetectionEngine(engineOptions ?? new EngineOptions { Evidence = EvidenceMode.Redacted }), board, store, metrics, log,
                options.EngineQueue, TimeSpan.FromSeconds(options.SnapshotSeconds), replay);
        }
        queue.Length = () => engine.QueueLength;
        var policy = new PolicyEngine(options.Policy, store, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var resolver = new AccountResolver(options.Identity);
        foreach (var e in resolver.KeyMapErrors) log.LogWarning("Key map: {Error} (line skipped)", e);

        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            ActivityHeadersPropagator = null,
        });
        var handler = new ProxyHandler(options, resolver, board, policy, new ThrottleRegistry(), engine, journal, audit, metrics,
            app.Services.GetRequiredService<IHttpForwarder>(), client, log);

        app.MapPost("/v1/chat/completions", handler.HandleAsync);
        app.MapPost("/v1/messages", handler.HandleAsync);
        app.MapGet("/alive", () => Results.Text("ok"));
        app.MapGet("/health", async (CancellationToken cancel) =>
        {
            bool failed = engine.Failure is not null;
            var body = new
            {
                status = failed ? "unhealthy" : engine.Ready ? "healthy" : "starting",
                detector = new { ready = engine.Ready, queue = engine.QueueLength, replayed = engine.Replayed, failure = engine.Failure?.Message },
                hosting = await engine.HealthAsync(cancel),
                accounts_on_board = board.Count,
                journal = new { appended = journal.Appended },
            };
            return Results.Json(body, statusCode: failed ? 503 : 200);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapAdmin(options, engine, board, policy, store);
        // Everything else (models list, embeddings, files…) passes through unmonitored.
        app.MapForwarder("/{**rest}", options.Upstream);

        app.Lifetime.ApplicationStopped.Register(() =>
        {
            engine.Dispose();
            connector?.Dispose();
            journal.Dispose();
            audit.Dispose();
            store.Dispose();
            client.Dispose();
            metrics.Dispose();
        });
        log.LogInformation("DistillGuard gateway on {Listen} → {Upstream}; data in {Data}; policy {Mode}; detector {Detector}",
            options.Listen, options.Upstream, Path.GetFullPath(options.DataDirectory), options.Policy.DryRun ? "dry-run" : "enforcing",
            options.Cluster.Enabled ? $"'{options.Cluster.Detector}' on cluster '{options.Cluster.ClusterId}' ({ClusterSettingsOf(options.Cluster).DescribeStore()})" : "in process");
        return app;
    }

    /// <summary>The cluster connection settings of the gateway's cluster options.</summary>
    public static ClusterSettings ClusterSettingsOf(GatewayClusterOptions o) => new()
    {
        Redis = o.Redis,
        Postgres = string.IsNullOrEmpty(o.Postgres) ? null : o.Postgres,
        ClusterId = o.ClusterId,
        FastFailureDetection = o.FastFailureDetection,
        TlsCertificateFile = string.IsNullOrEmpty(o.TlsCertificateFile) ? null : o.TlsCertificateFile,
        TlsCertificatePassword = o.TlsCertificatePassword,
    };

    private sealed class QueueProbe
    {
        public Func<int> Length { get; set; } = () => 0;
    }
}
