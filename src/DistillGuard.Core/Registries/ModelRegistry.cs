namespace DistillGuard.Core.Registries;

/// <summary>
/// First sighting of every model name, to recognise a pivot to a newly appearing model (a campaign moving its traffic
/// to a model within hours of its release). A model counts as new when it first appears at least
/// <see cref="WarmUpMs"/> after the stream began (models present from the start are not releases), and an exchange
/// counts as a new-model exchange within <see cref="NewWindowMs"/> of that sighting.
/// </summary>
public sealed class ModelRegistry
{
    /// <summary>Time after the stream's start before a first sighting counts as a release (24 hours).</summary>
    public const long WarmUpMs = 24L * 3_600_000;

    /// <summary>How long after its first sighting a model counts as new (72 hours).</summary>
    public const long NewWindowMs = 72L * 3_600_000;

    /// <summary>Most model names remembered.</summary>
    public const int Capacity = 10_000;

    private readonly Dictionary<string, long> _firstSeen = new();
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private long _streamStartMs = long.MaxValue;

    /// <summary>Creates an empty registry.</summary>
    public ModelRegistry() => _lookup = _firstSeen.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Models seen, with their first sighting (Unix ms).</summary>
    public IReadOnlyDictionary<string, long> FirstSeen => _firstSeen;

    /// <summary>
    /// Starts from the first sightings and log start known from a first pass over the whole log
    /// (<see cref="Engine.LogCensus"/>), so that which exchanges count as new-model pivots does not depend on the order
    /// the log's accounts are interleaved in.
    /// </summary>
    /// <exception cref="InvalidOperationException">The registry has already observed exchanges.</exception>
    public void Seed(IReadOnlyDictionary<string, long> firstSeen, long streamStartMs)
    {
        if (_firstSeen.Count > 0 || _streamStartMs != long.MaxValue) throw new InvalidOperationException("The model registry has already observed exchanges.");
        foreach (var (model, first) in firstSeen) if (_firstSeen.Count < Capacity) _firstSeen[model] = first;
        _streamStartMs = streamStartMs;
    }

    /// <summary>Records an exchange to <paramref name="model"/> at <paramref name="timestampMs"/>.</summary>
    /// <returns>True when the exchange went to a new model within its new-model window.</returns>
    public bool Observe(ReadOnlySpan<char> model, long timestampMs)
    {
        if (timestampMs < _streamStartMs) _streamStartMs = timestampMs;
        if (model.IsEmpty) return false;
        if (!_lookup.TryGetValue(model, out var first))
        {
            if (_firstSeen.Count >= Capacity) return false;
            _lookup[model] = first = timestampMs;
        }
        else if (timestampMs < first)
        {
            _lookup[model] = first = timestampMs;
        }
        return first - _streamStartMs >= WarmUpMs && timestampMs - first <= NewWindowMs;
    }
}
