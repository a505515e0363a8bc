namespace DistillGuard.Cluster.Batches;

/// <summary>
/// One entry of a detector's log, as sent to the detector grain and as stored in the durable log: a kind, its 0-based
/// position in the log (<see cref="Sequence"/>) and an opaque payload (see <see cref="ExchangeBatchCodec"/>).
/// </summary>
/// <remarks>The sequence makes a retried submission idempotent: an entry the detector already holds is acknowledged
/// without being applied twice.</remarks>
[GenerateSerializer, Immutable]
public sealed class ExchangeBatch
{
    /// <summary>What the payload holds.</summary>
    [Id(0)] public BatchKind Kind { get; init; }

    /// <summary>0-based position of this entry in the detector's log; entry 0 is the settings.</summary>
    [Id(1)] public long Sequence { get; init; }

    /// <summary>Number of items (exchange lines or accounts) in the payload.</summary>
    [Id(2)] public int Count { get; init; }

    /// <summary>The encoded items.</summary>
    [Id(3)] public byte[] Payload { get; init; } = [];

    /// <summary>
    /// For entries sent by live writers (gateway nodes): the writer's id, unique per writer process; null for a scan,
    /// whose client owns the whole log and sends log positions as <see cref="Sequence"/>.
    /// </summary>
    [Id(4)] public string? Origin { get; init; }

    /// <summary>The writer's own 1-based sequence number of this entry (with <see cref="Origin"/>); makes retries idempotent.</summary>
    [Id(5)] public long OriginSequence { get; init; }

    /// <summary>
    /// The lines' analyses from an analysis worker (<see cref="Analysis.IAnalysisGrain"/>), or null to analyse them in
    /// the detector. Not stored in the log: a replay analyses again, with the same result.
    /// </summary>
    [Id(6)] public byte[]? Analyses { get; init; }

    /// <summary>A copy of this entry carrying <paramref name="analyses"/>.</summary>
    public ExchangeBatch WithAnalyses(byte[] analyses) => new()
    {
        Kind = Kind, Sequence = Sequence, Count = Count, Payload = Payload, Origin = Origin, OriginSequence = OriginSequence, Analyses = analyses,
    };
}
