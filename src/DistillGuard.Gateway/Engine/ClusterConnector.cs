using DistillGuard.Cluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Gateway.Engine;

/// <summary>
/// Connects the gateway to its cluster in the background: an Orleans client in a host of its own, rebuilt and started
/// again (with back-off up to 30 s) until a silo accepts it — a failed start cannot be resumed — so the gateway serves
/// under its fail mode while the cluster's store (Redis or PostgreSQL) or the silos are unreachable.
/// </summary>
public sealed class ClusterConnector : IDisposable
{
    private readonly ClusterSettings _settings;
    private readonly Action<ILoggingBuilder>? _logging;
    private readonly ILogger _log;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2? _certificate;
    private IHost? _host;

    /// <summary>Interval of the plain "still not connected" warning.</summary>
    public static readonly TimeSpan StillConnectingEvery = TimeSpan.FromSeconds(30);

    /// <param name="settings">Where the cluster is.</param>
    /// <param name="logging">Logging setup for the client host (null: warnings on the console).</param>
    /// <param name="log">Receives a warning per failed attempt.</param>
    public ClusterConnector(ClusterSettings settings, Action<ILoggingBuilder>? logging, ILogger log)
    {
        _settings = settings;
        _certificate = ClusterTls.LoadFor(settings); // checked by the gateway's configuration validator
        _logging = logging;
        _log = log;
    }

    /// <summary>Returns a connected client, trying as long as it takes.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled first.</exception>
    public async Task<IGrainFactory> ConnectAsync(CancellationToken cancel)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            if (_logging is not null) _logging(builder.Logging);
            else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).AddFilter("Orleans", LogLevel.Warning);
            // A failed start is reported below in one line per attempt; the host's own error repeats it with a stack trace.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
            builder.UseOrleansClient(c => c.UseDistillGuardCluster(_settings, _certificate));
            var host = builder.Build();
            try
            {
                // The client keeps retrying a silo that refuses it (another TLS certificate): say so in plain words.
                var start = host.StartAsync(cancel);
                var waited = TimeSpan.Zero;
                while (await Task.WhenAny(start, Task.Delay(StillConnectingEvery, cancel)) != start)
                {
                    waited += StillConnectingEvery;
                    _log.LogWarning("Not connected to cluster '{Cluster}' ({Store}) after {Seconds} s: are silos running, and do they and this gateway use the same cluster certificate (Cluster:TlsCertificateFile / --tls-cert)? Serving under the fail mode meanwhile.",
                        _settings.ClusterId, _settings.DescribeStore(), waited.TotalSeconds);
                }
                await start;
                _host = host;
                return host.Services.GetRequiredService<IClusterClient>();
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                host.Dispose();
                _log.LogWarning("Cluster '{Cluster}' not reachable through {Store}: {Error}; retrying in {Seconds} s",
                    _settings.ClusterId, _settings.DescribeStore(), e.Message.Split('\n')[0], delay.TotalSeconds);
                await Task.Delay(delay, cancel);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    /// <summary>Stops the client (if it connected).</summary>
    public void Dispose()
    {
        if (_host is null) return;
        try
        {
            _host.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
        }
        _host.Dispose();
        _host = null;
    }
}
