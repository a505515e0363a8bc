using System.Diagnostics;
using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Hosting;
using DistillGuard.Cluster.Partitions;
using DistillGuard.Cluster.Scanning;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Ingest.Accounts;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Cli.Scanning;

/// <summary><c>scan --cluster</c>: the same scan, with the engine on an Orleans cluster (<see cref="ClusterScanClient"/>).</summary>
internal static class ClusterScan
{
    /// <summary>How long the client tries to connect to the cluster before giving up.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Connects to the cluster, pushes the log through a fresh detector and returns its findings.</summary>
    public static (FindingsDocument? Document, int ExitCode) Run(ScanRequest request, List<InputSource> sources, Action<IngestError> report,
        Func<List<string>> errors, TextWriter stderr, CancellationToken cancel)
    {
        var settings = request.Cluster!;
        if (request.OrderIndependent && sources.Any(s => s.Name == InputSource.StandardInput))
        {
            stderr.WriteLine("error: --order-independent sizes its census from the input files: give files, not standard input");
            return (null, ExitCodes.Usage);
        }
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate;
        try
        {
            certificate = ClusterTls.LoadFor(settings);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --tls-cert {settings.TlsCertificateFile}: {e.Message}");
            return (null, ExitCodes.Usage);
        }
        DetectorSettings detector;
        var accounts = new List<AccountMetadata>();
        try
        {
            detector = new DetectorSettings
            {
                Evidence = request.Evidence,
                // The merged index travels in the detector's settings (entry 0 of its log); workers fetch it once.
                Reference = request.ReferenceFiles.Count == 0 ? null : ReferenceLoader.Load(request.ReferenceFiles, w => stderr.WriteLine("warning: " + w)).ToBytes(),
                DisposableDomains = request.DisposableDomainsFile is null ? [] : ScanRunner.ReadDisposableDomains(request.DisposableDomainsFile).ToList(),
            };
            if (request.AccountsFile is not null) accounts.AddRange(AccountsFileReader.Read(InputSource.File(request.AccountsFile), report));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return (null, ExitCodes.Usage);
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseDistillGuardCluster(settings, certificate));
        using var host = builder.Build();
        // The Orleans client keeps retrying a gateway it cannot reach or that refuses its TLS handshake: bound the wait.
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                host.StartAsync(connect.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                stderr.WriteLine($"error: could not connect to cluster '{settings.ClusterId}' ({settings.DescribeStore()}) within {ConnectTimeout.TotalSeconds:F0} s: " +
                                 "are silos running, and do they and this client use the same --tls-cert? (see docs/cluster.md)");
                return (null, ExitCodes.Usage);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store that refuses the login or does not exist says so itself; otherwise the usual cause is no silo yet.
                string hint = e is Npgsql.NpgsqlException ? "see docs/cluster.md" : "is a silo running? see docs/cluster.md";
                stderr.WriteLine($"error: cannot join cluster '{settings.ClusterId}' through {settings.DescribeStore()}: {e.Message} ({hint})");
                return (null, ExitCodes.Usage);
            }
        }

        string job = request.Job ?? $"scan-{DateTime.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        if (request.OrderIndependent)
        {
            try
            {
                return RunPartitioned(request, sources, report, errors, stderr, host.Services.GetRequiredService<IClusterClient>(), detector, accounts, job, settings, cancel);
            }
            finally
            {
                Stop(host);
            }
        }
        var clock = Stopwatch.StartNew();
        var client = new ClusterScanClient(host.Services.GetRequiredService<IClusterClient>(), line => stderr.WriteLine("cluster: " + line))
        {
            CallTimeout = CallTimeout(settings),
            AnalysisWindow = request.AnalysisWindow,
            Progress = ProgressPrinter(request, stderr, clock),
        };
        var reader = new ExchangeLogReader(sources);
        try
        {
            var result = client.ScanAsync(job, detector, accounts, reader, report, () => ScanRunner.InputSummaryOf(sources, reader, errors()),
                request.AllAccounts, cancel).GetAwaiter().GetResult();
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            if (!request.Quiet || request.Stats)
                stderr.WriteLine($"cluster: job {job}: {reader.Exchanges:N0} exchanges in {seconds:F1} s ({reader.Exchanges / seconds:N0}/s), " +
                                 $"detector ended on silo {result.Status.Silo} (replayed {result.Status.Replayed} entries at its last activation; busy {result.Status.BusyMs / 1000.0:F1} s), {result.Retries} retried calls");
            if (result.Status.RejectedEntries + result.Status.RejectedLines > 0)
                stderr.WriteLine($"warning: the cluster skipped {result.Status.RejectedEntries} log entries and {result.Status.RejectedLines} lines that did not decode on the silo (client and silo versions differ?); see the silo's log");
            ScanRunner.WarnIfNoExchanges(reader, stderr);
            return (result.Findings, ExitCodes.Ok);
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return (null, ExitCodes.Usage);
        }
        finally
        {
            Stop(host);
        }
    }

    /// <summary>How long the client waits for one call before it retries it: 4 s with --fast-failure-detection, else 15 s.</summary>
    private static TimeSpan CallTimeout(ClusterSettings settings) => settings.FastFailureDetection ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(15);

    /// <summary>Prints the exchanges acknowledged so far at most every 5 s (nothing with --quiet); called from several tasks at once, a race at worst prints one line twice.</summary>
    private static Action<long> ProgressPrinter(ScanRequest request, TextWriter stderr, Stopwatch clock)
    {
        double lastProgress = 0;
        return n =>
        {
            if (request.Quiet || clock.Elapsed.TotalSeconds - lastProgress < 5) return;
            lastProgress = clock.Elapsed.TotalSeconds;
            stderr.WriteLine($"cluster: {n:N0} exchanges acknowledged ({n / clock.Elapsed.TotalSeconds:N0}/s)");
        };
    }

    private static void Stop(IHost host)
    {
        try
        {
            host.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
        }
    }

    /// <summary>
    /// <c>scan --cluster --order-independent</c>: the log split by account over partition detectors
    /// (<see cref="PartitionedScanClient"/>); the findings equal <c>scan --order-independent</c>'s verdicts, scores and campaigns.
    /// </summary>
    private static (FindingsDocument? Document, int ExitCode) RunPartitioned(ScanRequest request, List<InputSource> sources, Action<IngestError> report,
        Func<List<string>> errors, TextWriter stderr, IClusterClient cluster, DetectorSettings detector, List<AccountMetadata> accounts, string job,
        ClusterSettings settings, CancellationToken cancel)
    {
        int partitions = request.Partitions;
        if (partitions == 0)
        {
            try
            {
                partitions = Math.Max(1, cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ConnectTimeout, cancel).GetAwaiter().GetResult().Count);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                stderr.WriteLine($"error: cannot count the cluster's live silos ({e.Message}); give --partitions N");
                return (null, ExitCodes.Usage);
            }
        }
        var clock = Stopwatch.StartNew();
        var client = new PartitionedScanClient(cluster, line => stderr.WriteLine("cluster: " + line))
        {
            CallTimeout = CallTimeout(settings),
            Progress = ProgressPrinter(request, stderr, clock),
            Phase = phase =>
            {
                if (!request.Quiet) stderr.WriteLine($"cluster: {phase} from {clock.Elapsed.TotalSeconds:F1} s into the scan");
            },
        };
        var reader = new ExchangeLogReader(sources);
        try
        {
            var result = client.ScanAsync(job, partitions, detector, ScanRunner.CensusWidth(sources), accounts, reader, report,
                () => ScanRunner.InputSummaryOf(sources, reader, errors()), request.AllAccounts, cancel).GetAwaiter().GetResult();
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            if (!request.Quiet || request.Stats)
            {
                stderr.WriteLine($"cluster: job {job}: {reader.Exchanges:N0} exchanges in {seconds:F1} s ({reader.Exchanges / seconds:N0}/s) over {partitions} partitions; " +
                                 $"census {result.CensusBytes / 1048576.0:F1} MiB, states {result.StateBytes / 1048576.0:F1} MiB, {result.Retries} retried calls");
                for (int p = 0; p < result.Partitions.Count; p++)
                {
                    var s = result.Partitions[p];
                    stderr.WriteLine($"cluster: partition {p} ended on silo {s.Silo}: {s.Exchanges:N0} exchanges, replayed {s.Replayed} entries at its last activation, busy {s.BusyMs / 1000.0:F1} s");
                }
            }
            long rejected = result.Partitions.Sum(s => s.RejectedEntries + s.RejectedLines);
            if (rejected > 0)
                stderr.WriteLine($"warning: the cluster skipped {rejected} log entries and lines that did not decode on the silos (client and silo versions differ?); see the silos' logs");
            ScanRunner.WarnIfNoExchanges(reader, stderr);
            return (result.Findings, ExitCodes.Ok);
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return (null, ExitCodes.Usage);
        }
    }
}
