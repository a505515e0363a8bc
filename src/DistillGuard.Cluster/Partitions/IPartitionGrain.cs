using DistillGuard.Cluster.Batches;

namespace DistillGuard.Cluster.Partitions;

/// <summary>
/// A partition detector of a partitioned, order-independent scan (<c>scan --cluster --order-independent</c>): the
/// exchanges of the accounts that hash to one partition, in one durable log, read twice (<see cref="PartitionReplica"/>).
/// Key: <c>{job}/p{partition}</c> (<see cref="KeyOf"/>). Every call is idempotent, so a client retries freely after a
/// silo is lost; the next activation replays the log.
/// </summary>
public interface IPartitionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends an entry to the log (durably) and applies it: settings, accounts, exchanges, then the pieces of the
    /// merged census. An entry already in the log is acknowledged without effect.
    /// </summary>
    /// <returns>The number of entries in the log afterwards.</returns>
    /// <exception cref="InvalidOperationException">The entry skips ahead of the log, or cannot be applied (<see cref="PartitionReplica.Validate"/>).</exception>
    /// <exception cref="Detector.DetectorConflictException">Another activation appended to the log meanwhile (retry).</exception>
    Task<long> Submit(ExchangeBatch entry);

    /// <summary>Where the partition is and how far it got.</summary>
    Task<PartitionStatus> Status();

    /// <summary>A slice of this partition's census part (<see cref="Core.Engine.LogCensus.ToBytes"/>), from <paramref name="offset"/>.</summary>
    /// <exception cref="InvalidOperationException">The partition has no settings, or already has the merged census.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or past the end.</exception>
    Task<ByteChunk> CensusPart(long offset);

    /// <summary>
    /// Runs the second pass for about <see cref="PartitionGrain.StepBudget"/> and returns where it is; call again until
    /// <see cref="PartitionStatus.Prepared"/>. Short calls keep ordinary call timeouts meaningful while the partition
    /// works; an activation lost midway starts the second pass again from its log.
    /// </summary>
    /// <exception cref="InvalidOperationException">The merged census is not complete, or the log ends before its census (damaged outside DistillGuard).</exception>
    Task<PartitionStatus> Prepare();

    /// <summary>
    /// A slice of the partition's engine state (<see cref="Core.Engine.PartitionStateCodec"/>), from
    /// <paramref name="offset"/>; <see cref="ByteChunk.NotPrepared"/> if the partition is not prepared (it moved or was
    /// collected after <see cref="Prepare"/>: call <see cref="Prepare"/> again until it is).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or past the end.</exception>
    Task<ByteChunk> State(long offset);

    /// <summary>Deletes the partition's log and deactivates it.</summary>
    Task Delete();

    /// <summary>The grain key of partition <paramref name="partition"/> of job <paramref name="job"/>.</summary>
    static string KeyOf(string job, int partition) => $"{job}/p{partition}";
}

/// <summary>A slice of a byte array too large for one message: slices are at most <see cref="PartitionGrain.ChunkBytes"/> (4 MiB).</summary>
[GenerateSerializer, Immutable]
public sealed record ByteChunk
{
    /// <summary>Length of the whole array, in bytes.</summary>
    [Id(0)] public long Total { get; init; }

    /// <summary>The slice.</summary>
    [Id(1)] public byte[] Bytes { get; init; } = [];

    /// <summary>The answer of a partition asked for its state before it is prepared (<see cref="Total"/> −1).</summary>
    public static ByteChunk NotPrepared { get; } = new() { Total = -1 };
}

/// <summary>Where a partition detector lives and how far it got.</summary>
[GenerateSerializer, Immutable]
public sealed record PartitionStatus
{
    /// <summary>The silo hosting the activation (<c>host:port@generation</c>).</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Log entries applied.</summary>
    [Id(1)] public long Applied { get; init; }

    /// <summary>Exchanges in the partition's log.</summary>
    [Id(2)] public long Exchanges { get; init; }

    /// <summary>Entries replayed from the durable log when this activation started (non-zero after a move or failure).</summary>
    [Id(3)] public long Replayed { get; init; }

    /// <summary>Milliseconds the replay took.</summary>
    [Id(4)] public long ReplayMs { get; init; }

    /// <summary>Whether the merged census is complete.</summary>
    [Id(5)] public bool HasCensus { get; init; }

    /// <summary>Log entries the second pass has read (of <see cref="CensusAt"/>).</summary>
    [Id(6)] public long SecondPassRead { get; init; }

    /// <summary>Position of the first census entry, or −1.</summary>
    [Id(7)] public long CensusAt { get; init; }

    /// <summary>Whether the second pass completed and the state is ready.</summary>
    [Id(8)] public bool Prepared { get; init; }

    /// <summary>Bytes of the state, once prepared.</summary>
    [Id(9)] public long StateBytes { get; init; }

    /// <summary>Log entries whose payload did not decode and were skipped.</summary>
    [Id(10)] public long RejectedEntries { get; init; }

    /// <summary>Exchange lines that did not parse on the silo and were skipped.</summary>
    [Id(11)] public long RejectedLines { get; init; }

    /// <summary>Milliseconds this activation spent applying entries and running the second pass (replay excluded).</summary>
    [Id(12)] public long BusyMs { get; init; }
}
