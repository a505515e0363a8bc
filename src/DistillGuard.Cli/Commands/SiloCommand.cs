using System.CommandLine;
using System.Net;
using DistillGuard.Cli.Scanning;
using DistillGuard.Cluster.Hosting;
using DistillGuard.Cluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Cli.Commands;

/// <summary><c>distillguard silo [--redis CONN | --postgres CONN] [--cluster-id ID] [--address IP] [--silo-port N] [--gateway-port N] [--http URL]</c>.</summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--address") { Description = "Address other silos and clients reach this silo at", DefaultValueFactory = _ => "127.0.0.1" };
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port", DefaultValueFactory = _ => 30000 };
        var verbose = new Option<bool>("--verbose") { Description = "Log Orleans' own information messages too" };
        var http = new Option<string?>("--http") { Description = "Also serve /health (cluster membership) and /metrics (Prometheus) on this URL, e.g. http://127.0.0.1:9101" };
        var cluster = new ClusterOptions(client: false);
        var command = new Command("silo", "Run an Orleans silo that hosts detectors for 'scan --cluster' and 'serve --cluster' (membership and detector logs in Redis, or PostgreSQL with --postgres; see docs/cluster.md)")
        {
            address, siloPort, gatewayPort, verbose, http,
        };
        cluster.AddTo(command);
        command.SetAction(async (result, cancel) =>
        {
            var settings = cluster.Read(result);
            if (!IPAddress.TryParse(result.GetValue(address), out var ip))
            {
                Console.Error.WriteLine($"error: --address: expected an IP address, got '{result.GetValue(address)}'");
                return ExitCodes.Usage;
            }
            System.Security.Cryptography.X509Certificates.X509Certificate2? certificate;
            try
            {
                certificate = ClusterTls.LoadFor(settings);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --tls-cert {settings.TlsCertificateFile}: {e.Message}");
                return ExitCodes.Usage;
            }
            var httpUrl = result.GetValue(http);
            if (httpUrl is not null && !Uri.TryCreate(httpUrl, UriKind.Absolute, out _))
            {
                Console.Error.WriteLine($"error: --http: expected an absolute URL such as http://127.0.0.1:9101, got '{httpUrl}'");
                return ExitCodes.Usage;
            }
            try
            {
                await ClusterStore.PrepareAsync(settings, cancel);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException)
            {
                Console.Error.WriteLine($"error: --postgres ({settings.DescribeStore()}): {e.Message}");
                return ExitCodes.Usage;
            }
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(httpUrl ?? "http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
            builder.Logging.SetMinimumLevel(result.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning);
            builder.Logging.AddFilter("DistillGuard", LogLevel.Information);
            if (!result.GetValue(verbose))
            {
                // Start-up notes that do not apply (server GC on a 2-core box; a watchdog tick delayed by the start itself).
                builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
                builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
            }
            builder.UseOrleans(silo => silo.UseDistillGuardCluster(settings, ip, result.GetValue(siloPort), result.GetValue(gatewayPort), certificate));
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            if (httpUrl is not null)
                builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(DistillGuard.Cluster.Hosting.ClusterMetrics.MeterName, "Microsoft.Orleans").AddPrometheusExporter());
            try
            {
                await using var host = builder.Build();
                if (httpUrl is not null)
                {
                    host.MapGet("/health", async (IGrainFactory grains, ILocalSiloDetails local, CancellationToken ct) => Results.Json(new
                    {
                        status = "healthy",
                        silo = local.SiloAddress.ToParsableString(),
                        cluster_id = settings.ClusterId,
                        silos = await ClusterMembership.ReadAsync(grains, TimeSpan.FromSeconds(5), ct),
                    }));
                    host.MapPrometheusScrapingEndpoint("/metrics");
                }
                await host.StartAsync(cancel);
                string tlsNote = certificate is null ? "" : $" with mutual TLS (cluster certificate {ClusterTls.Describe(certificate)})";
                Console.Error.WriteLine($"distillguard silo {ip}:{result.GetValue(siloPort)} (gateway {result.GetValue(gatewayPort)}) joined cluster '{settings.ClusterId}' through {settings.DescribeStore()}{tlsNote} (Ctrl+C to stop)");
                await host.WaitForShutdownAsync(cancel);
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"error: the silo could not start: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
