using System.Text.Json;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Reference;

namespace DistillGuard.Cluster.Detector;

/// <summary>
/// How a detector's engine is configured: entry 0 of its log, so that every activation (after a silo is lost, too)
/// builds the same engine.
/// </summary>
public sealed record DetectorSettings
{
    /// <summary>Evidence kept with findings (<see cref="EvidenceMode"/>).</summary>
    public EvidenceMode Evidence { get; init; } = EvidenceMode.Redacted;

    /// <summary>A live detector (gateway nodes write to it for as long as they run): its log never expires. A scan's does.</summary>
    public bool Live { get; init; }

    /// <summary>Disposable e-mail domains added to the built-in list (lower case), or empty.</summary>
    public IReadOnlyList<string> DisposableDomains { get; init; } = [];

    /// <summary>
    /// The reference index (built-in datasets merged with the user's <c>--reference</c> files) as
    /// <see cref="ReferenceIndex.ToBytes"/> writes it, or null for the built-in index alone.
    /// </summary>
    public byte[]? Reference { get; init; }

    /// <summary>
    /// For a partition detector of a partitioned scan (<see cref="Partitions.IPartitionGrain"/>): the number of
    /// partitions the scan's accounts are split into; 0 for a detector.
    /// </summary>
    public int Partitions { get; init; }

    /// <summary>For a partition detector: which partition it is, 0 to <see cref="Partitions"/> − 1.</summary>
    public int Partition { get; init; }

    /// <summary>For a partition detector: the census's counters per row (<see cref="Core.Engine.LogCensus"/>), the same for every partition.</summary>
    public int CensusWidth { get; init; }

    /// <summary>A 64-bit id of <see cref="Reference"/> (XxHash64), 0 for the built-in index: analysis workers cache indexes by it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ulong ReferenceId => Reference is null ? 0 : Math.Max(1, System.IO.Hashing.XxHash64.HashToUInt64(Reference));

    /// <summary>The reference index these settings name.</summary>
    /// <exception cref="InvalidDataException"><see cref="Reference"/> is not a reference index.</exception>
    public ReferenceIndex LoadReference() => Reference is null ? ReferenceIndex.LoadBuiltIn() : ReferenceIndex.Load(new MemoryStream(Reference));

    /// <summary>The engine options these settings describe.</summary>
    /// <exception cref="InvalidDataException"><see cref="Reference"/> is not a reference index.</exception>
    public EngineOptions ToEngineOptions() => new()
    {
        Evidence = Evidence,
        Reference = Reference is null ? null : LoadReference(),
        DisposableDomains = DisposableDomains.Count == 0
            ? null
            : new HashSet<string>(Core.Engine.DisposableDomains.BuiltIn.Concat(DisposableDomains)),
    };

    /// <summary>UTF-8 JSON, the payload of a <see cref="Batches.BatchKind.Settings"/> entry.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Reads the payload of a <see cref="Batches.BatchKind.Settings"/> entry.</summary>
    /// <exception cref="InvalidDataException">The payload is not settings JSON.</exception>
    public static DetectorSettings FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<DetectorSettings>(json) ?? throw new InvalidDataException("detector settings: null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("detector settings: " + e.Message, e);
        }
    }
}
