using System.Text.Json;
using DistillGuard.Core.Engine;

namespace DistillGuard.Cluster.Detector;

/// <summary>
/// How a detector's engine is configured: entry 0 of its log, so that every activation (after a silo is lost, too)
/// builds the same engine.
/// </summary>
public sealed record DetectorSettings
{
    /// <summary>Evidence kept with findings (<see cref="EvidenceMode"/>).</summary>
    public EvidenceMode Evidence { get; init; } = EvidenceMode.Redacted;

    /// <summary>Disposable e-mail domains added to the built-in list (lower case), or empty.</summary>
    public IReadOnlyList<string> DisposableDomains { get; init; } = [];

    /// <summary>The engine options these settings describe.</summary>
    public EngineOptions ToEngineOptions() => new()
    {
        Evidence = Evidence,
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
