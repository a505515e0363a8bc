using DistillGuard.Cluster.Client;

namespace DistillGuard.Cluster.Scanning;

/// <summary>
/// What the cluster's scan clients share: the grain factory, the event log, how lines are batched and how calls are
/// timed out and retried (<see cref="ClusterScanClient"/>, <see cref="PartitionedScanClient"/>).
/// </summary>
public abstract class ScanClientBase
{
    /// <param name="grains">An Orleans client (or a grain factory inside a silo).</param>
    /// <param name="log">Receives one line per notable event (where the detectors are, phases, retries).</param>
    protected ScanClientBase(IGrainFactory grains, Action<string>? log)
    {
        Grains = grains;
        Log = log ?? (_ => { });
    }

    /// <summary>The grain factory.</summary>
    protected IGrainFactory Grains { get; }

    /// <summary>The event log.</summary>
    protected Action<string> Log { get; }

    /// <summary>Exchange lines per batch.</summary>
    public int BatchLines { get; init; } = 512;

    /// <summary>Bytes of line content after which a batch is sent even if it holds fewer lines.</summary>
    public int BatchBytes { get; init; } = 4 << 20;

    /// <summary>How long one call is retried before the scan fails.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the client waits for one call before it retries it (see <see cref="RetryingCaller.CallTimeout"/>).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Called after every acknowledged batch with the number of exchanges acknowledged so far (possibly from several tasks; the count is exact).</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Accounts per <see cref="Batches.BatchKind.Accounts"/> entry of a detector log.</summary>
    protected const int AccountsPerEntry = 5000;

    /// <summary>The accounts in order, in chunks of at most <see cref="AccountsPerEntry"/>: one chunk per accounts entry.</summary>
    protected static IEnumerable<Core.Profiles.AccountMetadata[]> AccountChunks(IReadOnlyList<Core.Profiles.AccountMetadata> accounts)
    {
        for (int i = 0; i < accounts.Count; i += AccountsPerEntry)
        {
            var chunk = new Core.Profiles.AccountMetadata[Math.Min(AccountsPerEntry, accounts.Count - i)];
            for (int j = 0; j < chunk.Length; j++) chunk[j] = accounts[i + j];
            yield return chunk;
        }
    }

    /// <summary>A caller with this client's timeout and retry period, logging to <see cref="Log"/>.</summary>
    protected RetryingCaller NewCaller() => new(Log) { CallTimeout = CallTimeout, RetryFor = RetryFor };
}
