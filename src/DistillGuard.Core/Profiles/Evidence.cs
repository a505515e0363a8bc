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
/// the timeline. Bounded: <see cref="MaxExamples"/> examples and one counter per active hour. Example ids and excerpts
/// are kept packed as UTF-8 (about half the bytes of strings) and unpacked when <see cref="Examples"/> is read.
/// </summary>
public sealed class Evidence
{
    /// <summary>Examples kept per account.</summary>
    public const int MaxExamples = 3;

    private struct Stored
    {
        public object Id;
        public object? Excerpt;
        public long TimestampMs;
        public float Score;
        public SignalKind Signal;
    }

    private readonly Stored[] _stored;
    private int _count;

    /// <summary>Exchanges per hour, counted from the moment the account became a candidate.</summary>
    public HourlyHistogram Hourly { get; private init; } = new();

    /// <summary>The strongest examples, strongest first (a new list, unpacked on each read).</summary>
    public IReadOnlyList<EvidenceExample> Examples
    {
        get
        {
            var list = new EvidenceExample[_count];
            for (int i = 0; i < _count; i++)
            {
                ref readonly var e = ref _stored[i];
                list[i] = new EvidenceExample(Text.CompactText.Unpack(e.Id)!, e.TimestampMs, e.Signal, e.Score, Text.CompactText.Unpack(e.Excerpt));
            }
            return list;
        }
    }

    /// <summary>Examples held.</summary>
    public int ExampleCount => _count;

    /// <summary>Heap bytes of the examples' packed ids and excerpts (for measurements).</summary>
    public long ExampleTextBytes
    {
        get
        {
            long bytes = 0;
            for (int i = 0; i < _count; i++) bytes += Text.CompactText.SizeBytes(_stored[i].Id) + Text.CompactText.SizeBytes(_stored[i].Excerpt);
            return bytes;
        }
    }

    /// <summary>Whether an example with <paramref name="score"/> could be kept (some signal).</summary>
    public bool Wants(float score) => _count < MaxExamples || score > _stored[_count - 1].Score;

    /// <summary>Whether an example of <paramref name="signal"/> with <paramref name="score"/> would be kept by <see cref="Offer"/>.</summary>
    public bool Wants(SignalKind signal, float score)
    {
        if (!Wants(score)) return false;
        int same = IndexOf(signal);
        return same < 0 || _stored[same].Score < score;
    }

    /// <summary>Position of the example of <paramref name="signal"/>, or -1.</summary>
    private int IndexOf(SignalKind signal)
    {
        for (int i = 0; i < _count; i++) if (_stored[i].Signal == signal) return i;
        return -1;
    }

    /// <summary>Keeps <paramref name="example"/> if it is among the strongest.</summary>
    public void Offer(EvidenceExample example)
    {
        if (!Wants(example.Score)) return;
        // Prefer a spread of signals: replace an example of the same signal when the new one is stronger.
        int same = IndexOf(example.Signal);
        if (same >= 0)
        {
            if (_stored[same].Score >= example.Score) return;
            RemoveAt(same);
        }
        else if (_count == MaxExamples) RemoveAt(_count - 1);
        int at = _count;
        for (int i = 0; i < _count; i++) if (_stored[i].Score < example.Score) { at = i; break; }
        for (int i = _count; i > at; i--) _stored[i] = _stored[i - 1];
        _stored[at] = new Stored
        {
            Id = Text.CompactText.Pack(example.ExchangeId)!,
            Excerpt = Text.CompactText.Pack(example.Excerpt),
            TimestampMs = example.TimestampMs,
            Score = example.Score,
            Signal = example.Signal,
        };
        _count++;
    }

    private void RemoveAt(int index)
    {
        for (int i = index; i < _count - 1; i++) _stored[i] = _stored[i + 1];
        _stored[--_count] = default;
    }

    /// <summary>Counts one exchange in its hour.</summary>
    public void CountHour(long timestampMs)
    {
        Hourly.Add((int)(timestampMs / 3_600_000));
    }

    /// <summary>Writes the evidence exactly, packed texts included (for shipping a partition's state).</summary>
    internal void Write(BinaryWriter w)
    {
        w.Write(_count);
        for (int i = 0; i < _count; i++)
        {
            ref readonly var e = ref _stored[i];
            Engine.PartitionStateCodec.WritePacked(w, e.Id);
            Engine.PartitionStateCodec.WritePacked(w, e.Excerpt);
            w.Write(e.TimestampMs);
            w.Write(e.Score);
            w.Write((byte)e.Signal);
        }
        Hourly.Write(w);
    }

    /// <summary>Reads evidence written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">More examples than <see cref="MaxExamples"/>, or an example without an id.</exception>
    internal static Evidence Read(BinaryReader r)
    {
        int count = r.ReadInt32();
        if (count is < 0 or > MaxExamples) throw new InvalidDataException($"evidence: {count} examples");
        var stored = new Stored[MaxExamples];
        for (int i = 0; i < count; i++)
        {
            stored[i] = new Stored
            {
                Id = Engine.PartitionStateCodec.ReadPacked(r) ?? throw new InvalidDataException("evidence: an example without an id"),
                Excerpt = Engine.PartitionStateCodec.ReadPacked(r),
                TimestampMs = r.ReadInt64(),
                Score = r.ReadSingle(),
                Signal = (SignalKind)r.ReadByte(),
            };
        }
        var evidence = new Evidence(stored, count) { Hourly = HourlyHistogram.Read(r) };
        return evidence;
    }

    /// <summary>Creates empty evidence.</summary>
    public Evidence()
    {
        _stored = new Stored[MaxExamples];
    }

    private Evidence(Stored[] stored, int count)
    {
        _stored = stored;
        _count = count;
    }
}
