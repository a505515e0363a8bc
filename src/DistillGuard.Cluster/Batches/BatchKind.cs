namespace DistillGuard.Cluster.Batches;

/// <summary>What a detector log entry holds.</summary>
public enum BatchKind : byte
{
    /// <summary>The detector's settings (always entry 0 of its log): UTF-8 JSON of <see cref="Detector.DetectorSettings"/>.</summary>
    Settings = 1,

    /// <summary>Registry facts: UTF-8 JSON array of <see cref="Core.Profiles.AccountMetadata"/>.</summary>
    Accounts = 2,

    /// <summary>Exchange log lines (the raw JSONL, already validated by the client) with their source and line number.</summary>
    Exchanges = 3,

    /// <summary>A recomputation of every community asked for by an analyst (<c>/admin/recompute</c>); no payload.</summary>
    Recompute = 4,

    /// <summary>
    /// A piece of the merged census of a partitioned scan (<see cref="Partitions.IPartitionGrain"/>): a slice of
    /// <see cref="Core.Engine.LogCensus.ToBytes"/>, whose total length is the entry's <see cref="ExchangeBatch.Count"/>;
    /// only partition detectors take it.
    /// </summary>
    Census = 5,
}
