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

    /// <summary>The detector's reference index (<see cref="DetectorSettings.Reference"/>), or null for the built-in one; analysis workers fetch it once.</summary>
    Task<byte[]?> Reference();

    // Live writers: gateway nodes share one long-lived detector; entries from several writers interleave in the
    // order the detector receives them, and that order is what the log keeps.

    /// <summary>Creates the log with these settings if it is empty (a live detector's first writer); otherwise keeps the settings it has.</summary>
    /// <param name="settingsJson">UTF-8 JSON of <see cref="DetectorSettings"/>.</param>
    /// <returns>Entries in the log.</returns>
    Task<long> Open(byte[] settingsJson);

    /// <summary>
    /// Appends a live writer's entry at the end of the log and applies it. Idempotent per writer: an entry whose
    /// <see cref="ExchangeBatch.OriginSequence"/> the log already holds for its <see cref="ExchangeBatch.Origin"/> is
    /// acknowledged without effect.
    /// </summary>
    /// <exception cref="ArgumentException">The entry has no origin or is not an exchange batch.</exception>
    /// <exception cref="InvalidOperationException">The log has no settings yet (call <see cref="Open"/>).</exception>
    Task<long> Ingest(ExchangeBatch entry);

    /// <summary>Verdicts published after <paramref name="version"/> of the feed (republished at most every 200 ms).</summary>
    /// <param name="epoch">The epoch the caller's version belongs to; a different epoch (a new activation) means "from the start".</param>
    /// <param name="version">The caller's last version in that epoch.</param>
    Task<VerdictPage> VerdictsSince(Guid epoch, long version);

    /// <summary>An account's finding (UTF-8 JSON of <see cref="Core.Findings.AccountFinding"/>), or null if never seen.</summary>
    Task<byte[]?> Account(string accountId);

    /// <summary>The current findings (UTF-8 JSON, <see cref="Core.Findings.FindingsJson"/>) without ending the stream.</summary>
    Task<byte[]> CurrentFindings();

    /// <summary>Recomputes every community (logged, so a replay does the same); returns the number of assessed communities.</summary>
    Task<int> Recompute();
}

/// <summary>A page of the verdict feed.</summary>
[GenerateSerializer, Immutable]
public sealed record VerdictPage
{
    /// <summary>The activation's feed epoch: versions are comparable only within one epoch.</summary>
    [Id(0)] public Guid Epoch { get; init; }

    /// <summary>The feed's version after these verdicts; pass it back next time.</summary>
    [Id(1)] public long Version { get; init; }

    /// <summary>UTF-8 JSON array of <see cref="Core.Verdicts.AccountVerdict"/>.</summary>
    [Id(2)] public byte[] Verdicts { get; init; } = [];
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

    /// <summary>Milliseconds this activation spent applying entries (the single writer's busy time; replay excluded).</summary>
    [Id(6)] public long BusyMs { get; init; }

    /// <summary>Log entries whose payload did not decode and were skipped (0 unless client and silo versions differ or data was corrupted).</summary>
    [Id(7)] public long RejectedEntries { get; init; }

    /// <summary>Exchange lines that did not parse on the silo and were skipped (0 unless versions differ: the client validates every line).</summary>
    [Id(8)] public long RejectedLines { get; init; }
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
