using DistillGuard.Core.Findings;

namespace DistillGuard.Gateway.Engine;

/// <summary>
/// Where the gateway's detector runs: in this process (<see cref="EngineHost"/>, the default) or on an Orleans
/// cluster shared by any number of gateway nodes (<see cref="ClusterDetectorHost"/>). The proxy hands it completed
/// exchanges, it publishes verdicts to the <see cref="VerdictBoard"/>, and the admin API queries it.
/// </summary>
public interface IDetectorHost : IDisposable
{
    /// <summary>True once the detector can take exchanges (replay done, or cluster joined).</summary>
    bool Ready { get; }

    /// <summary>The error that stopped the detector, or null.</summary>
    Exception? Failure { get; }

    /// <summary>Exchanges waiting to be analysed (or sent to the cluster).</summary>
    int QueueLength { get; }

    /// <summary>Exchanges this node replayed from its own log at start (embedded); 0 in cluster mode.</summary>
    long Replayed { get; }

    /// <summary>Hands a completed exchange (one exchange-log line, full text) to the detector.</summary>
    /// <returns>False when the queue is full or the detector has failed (the caller applies its fail mode).</returns>
    bool TryEnqueue(byte[] line);

    /// <summary>An account's finding with evidence, or null if the detector has not seen it.</summary>
    /// <exception cref="InvalidOperationException">The detector has failed or cannot be reached.</exception>
    Task<AccountFinding?> AccountAsync(string accountId, CancellationToken cancel);

    /// <summary>The detector's current findings (campaigns and flagged accounts).</summary>
    /// <exception cref="InvalidOperationException">The detector has failed or cannot be reached.</exception>
    Task<FindingsDocument> FindingsAsync(CancellationToken cancel);

    /// <summary>Recomputes every community from the current state; returns the number of assessed communities.</summary>
    /// <exception cref="InvalidOperationException">The detector has failed or cannot be reached.</exception>
    Task<int> RecomputeAsync(CancellationToken cancel);

    /// <summary>What <c>/health</c> shows about the detector beyond the fields above (e.g. cluster membership), or null.</summary>
    Task<object?> HealthAsync(CancellationToken cancel);
}
