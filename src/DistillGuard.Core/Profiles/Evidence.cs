using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Profiles;

/// <summary>One exchange kept as evidence: its id, time, strongest signal and a short redacted excerpt of the prompt.</summary>
/// <param name="ExchangeId">Exchange id from the log (or <c>line N</c> when the log had none).</param>
/// <param name="TimestampMs">Exchange time, Unix ms.</param>
/// <param name="Signal">The strongest signal.</param>
/// <param name="Score">That signal's score, 0–1.</param>
/// <param name="Excerpt">Redacted excerpt (at most <see cref="Text.Redactor.DefaultExcerptLength"/> characters), or null when excerpts are disabled.</param>
public sealed record EvidenceExample(string ExchangeId, long TimestampMs, SignalKind Signal, float Score, string? Excerpt);

/// <summary>
/// Evidence kept for candidate accounts only: the strongest example exchanges and an hourly activity histogram for
/// the timeline. Bounded: <see cref="MaxExamples"/> examples and one counter per active hour.
/// </summary>
public sealed class Evidence
{
    /// <summary>Examples kept per account.</summary>
    public const int MaxExamples = 3;

    private readonly List<EvidenceExample> _examples = new(MaxExamples);

    /// <summary>Exchanges per hour, counted from the moment the account became a candidate.</summary>
    public HourlyHistogram Hourly { get; } = new();

    /// <summary>The strongest examples, strongest first.</summary>
    public IReadOnlyList<EvidenceExample> Examples => _examples;

    /// <summary>Whether an example with <paramref name="score"/> could be kept (some signal).</summary>
    public bool Wants(float score) => _examples.Count < MaxExamples || score > _examples[^1].Score;

    /// <summary>Whether an example of <paramref name="signal"/> with <paramref name="score"/> would be kept by <see cref="Offer"/>.</summary>
    public bool Wants(SignalKind signal, float score)
    {
        if (!Wants(score)) return false;
        foreach (var e in _examples) if (e.Signal == signal) return e.Score < score;
        return true;
    }

    /// <summary>Keeps <paramref name="example"/> if it is among the strongest.</summary>
    public void Offer(EvidenceExample example)
    {
        if (!Wants(example.Score)) return;
        // Prefer a spread of signals: replace an example of the same signal when the new one is stronger.
        int same = _examples.FindIndex(e => e.Signal == example.Signal);
        if (same >= 0)
        {
            if (_examples[same].Score >= example.Score) return;
            _examples.RemoveAt(same);
        }
        else if (_examples.Count == MaxExamples) _examples.RemoveAt(_examples.Count - 1);
        int at = _examples.FindIndex(e => e.Score < example.Score);
        _examples.Insert(at < 0 ? _examples.Count : at, example);
    }

    /// <summary>Counts one exchange in its hour.</summary>
    public void CountHour(long timestampMs)
    {
        Hourly.Add((int)(timestampMs / 3_600_000));
    }
}
