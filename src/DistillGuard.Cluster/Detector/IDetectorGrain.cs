using DistillGuard.Cluster.Batches;

namespace DistillGuard.Cluster.Detector;

/// <summary>
/// A detector on the cluster: one detection engine fed by one ordered, durable log of entries (settings, accounts,
/// exchange batches). Key: the detector's name (a scan job, or a gateway fleet's shared detector).
/// </summary>
public interface IDetectorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends an entry to the log (durably, before applying it) and applies it. Idempotent: an entry already in the
    /// log is acknowledged without effect, so a client retries freely after a failure.
    /// </summary>
    /// <param name="entry">The entry; its sequence must be at most the number of entries the log holds.</param>
    /// <returns>The number of entries in the log afterwards (the next sequence to send).</returns>
    /// <exception cref="InvalidOperationException">The entry skips ahead of the log (the client's view and the log disagree), or the detector finished.</exception>
    Task<long> Submit(ExchangeBatch entry);

    /// <summary>Where the detector is and what it has applied.</summary>
    Task<DetectorStatus> Status();

    /// <summary>Ends the stream and returns <c>findings.json</c> (UTF-8, <see cref="Core.Findings.FindingsJson"/>).</summary>
    /// <param name="request">The client's input summary and findings options.</param>
    Task<byte[]> Finish(FinishRequest request);

    /// <summary>Deletes the detector's log and deactivates it.</summary>
    Task Delete();
}

/// <summary>Where a detector lives and how far it got.</summary>
[GenerateSerializer, Immutable]
public sealed record DetectorStatus
{
    /// <summary>The silo hosting the activation (<c>host:port:generation</c>).</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Log entries applied.</summary>
    [Id(1)] public long Applied { get; init; }

    /// <summary>Exchanges processed.</summary>
    [Id(2)] public long Exchanges { get; init; }

    /// <summary>Accounts known.</summary>
    [Id(3)] public int Accounts { get; init; }

    /// <summary>Entries replayed from the durable log when this activation started (non-zero after a move or failure).</summary>
    [Id(4)] public long Replayed { get; init; }

    /// <summary>Milliseconds the replay took.</summary>
    [Id(5)] public long ReplayMs { get; init; }
}

/// <summary>What <see cref="IDetectorGrain.Finish"/> needs from the client.</summary>
[GenerateSerializer, Immutable]
public sealed record FinishRequest
{
    /// <summary>UTF-8 JSON of the client's <see cref="Core.Findings.InputSummary"/> (sources, lines read and skipped, errors).</summary>
    [Id(0)] public byte[] Input { get; init; } = [];

    /// <summary>List benign accounts too.</summary>
    [Id(1)] public bool IncludeBenign { get; init; }
}
