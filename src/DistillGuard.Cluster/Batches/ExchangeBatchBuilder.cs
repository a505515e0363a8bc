using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DistillGuard.Cluster.Batches;

/// <summary>
/// Accumulates exchange lines into the payload of an <see cref="BatchKind.Exchanges"/> entry
/// (format in <see cref="ExchangeBatchCodec"/>). Reusable: <see cref="Build"/> resets it.
/// </summary>
public sealed class ExchangeBatchBuilder
{
    private readonly ArrayBufferWriter<byte> _lines = new(1 << 20);
    private readonly List<string> _sources = new();
    private readonly Dictionary<string, int> _sourceIndex = new(StringComparer.Ordinal);

    /// <summary>Lines added since the last <see cref="Build"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of line content added since the last <see cref="Build"/>.</summary>
    public int Bytes => _lines.WrittenCount;

    /// <summary>Adds one exchange line.</summary>
    /// <param name="line">The raw JSONL line (UTF-8, no terminator).</param>
    /// <param name="source">Its source's name.</param>
    /// <param name="lineNumber">Its 1-based line number in the source.</param>
    public void Add(ReadOnlySpan<byte> line, string source, long lineNumber)
    {
        if (!_sourceIndex.TryGetValue(source, out int index))
        {
            index = _sources.Count;
            _sources.Add(source);
            _sourceIndex[source] = index;
        }
        var span = _lines.GetSpan(16 + line.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, index);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], lineNumber);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], line.Length);
        line.CopyTo(span[16..]);
        _lines.Advance(16 + line.Length);
        Count++;
    }

    /// <summary>The entry holding the lines added so far; then resets.</summary>
    /// <param name="sequence">Its log position (scan client), or 0 for a live writer (the detector assigns it).</param>
    /// <param name="origin">The live writer's id, or null.</param>
    /// <param name="originSequence">The live writer's own sequence number of this entry.</param>
    public ExchangeBatch Build(long sequence, string? origin = null, long originSequence = 0)
    {
        int header = 4 + _sources.Sum(s => 4 + Encoding.UTF8.GetByteCount(s));
        var payload = new byte[header + _lines.WrittenCount];
        int pos = 0;
        BinaryPrimitives.WriteInt32LittleEndian(payload, _sources.Count);
        pos += 4;
        foreach (var s in _sources)
        {
            int len = Encoding.UTF8.GetBytes(s, payload.AsSpan(pos + 4));
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(pos), len);
            pos += 4 + len;
        }
        _lines.WrittenSpan.CopyTo(payload.AsSpan(pos));
        var batch = new ExchangeBatch { Kind = BatchKind.Exchanges, Sequence = sequence, Count = Count, Payload = payload, Origin = origin, OriginSequence = originSequence };
        _lines.Clear();
        _sources.Clear();
        _sourceIndex.Clear();
        Count = 0;
        return batch;
    }
}
