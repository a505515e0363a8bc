using DistillGuard.Core.Analysis;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Registries;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Engine;

/// <summary>
/// What a first pass over a whole log knows that a single streaming pass does not: which prompt-template keys recur
/// anywhere in the log, when each model was first seen, when the log starts, and which account each reasoning
/// signature was issued to. An engine given a census
/// (<see cref="DetectionEngine.UseCensus"/>) decides template recurrence, new-model pivots and reasoning replays from
/// it, so its final
/// findings no longer depend on the order in which accounts' exchanges are interleaved (see
/// docs/design/0006-cluster-plan.md, "Recurrence under partitioning").
/// </summary>
/// <remarks>
/// Template keys are counted in a count-min sketch (Cormode and Muthukrishnan, 2005) with plain (not conservative)
/// update and 2-bit counters that saturate at <see cref="DetectionEngine.TemplateThreshold"/>: the only question asked
/// is "seen at least 3 times?", counts are order-free, and censuses of partitions merge exactly
/// (<see cref="Merge"/>: a saturating sum per counter). A key seen fewer than 3 times is reported recurring only when
/// every row collides; with <c>width</c> at least the number of template keys counted (about 9 per exchange) that
/// happens for about 2% of such keys. Memory: <c>depth × width / 4</c> bytes (12 MiB by default) and about 30 bytes per
/// remembered signature (at most <see cref="SignatureCapacity"/>; beyond it, which signatures are remembered depends
/// on order). Not thread-safe.
/// </remarks>
public sealed class LogCensus
{
    private const int Saturation = DetectionEngine.TemplateThreshold;
    private readonly ulong[] _counters; // 32 two-bit counters per word, row after row
    private readonly int _depth;
    private readonly int _rowBits;
    private readonly Dictionary<string, long> _modelFirstSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _models;
    private readonly Dictionary<ulong, ulong> _issuers = new();

    /// <summary>Creates an empty census.</summary>
    /// <param name="width">Counters per row, rounded up to a power of two (at least 64); size it to the template keys expected (about 9 per exchange).</param>
    /// <param name="depth">Rows, 1–8.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> above 2^30 or <paramref name="depth"/> outside 1–8.</exception>
    public LogCensus(int width = 1 << 24, int depth = 3)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 1 << 30);
        if (depth is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(depth), depth, "1–8 rows");
        int rowWidth = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, width));
        _rowBits = System.Numerics.BitOperations.Log2((uint)rowWidth);
        _depth = depth;
        _counters = new ulong[(long)rowWidth * depth / 32];
        _models = _modelFirstSeen.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Counters per row.</summary>
    public int Width => 1 << _rowBits;

    /// <summary>Rows.</summary>
    public int Depth => _depth;

    /// <summary>Memory of the counters, in bytes.</summary>
    public long SizeBytes => _counters.LongLength * sizeof(ulong);

    /// <summary>Exchanges observed.</summary>
    public long Exchanges { get; private set; }

    /// <summary>Earliest exchange time observed (Unix ms); <see cref="long.MaxValue"/> before any.</summary>
    public long StreamStartMs { get; private set; } = long.MaxValue;

    /// <summary>First time each model was seen (Unix ms), for at most <see cref="ModelRegistry.Capacity"/> models.</summary>
    public IReadOnlyDictionary<string, long> ModelFirstSeen => _modelFirstSeen;

    /// <summary>Most reasoning signatures whose issuer is remembered (as in the streaming <see cref="SignatureRegistry"/>).</summary>
    public const int SignatureCapacity = 500_000;

    /// <summary>Reasoning signatures whose issuer is remembered.</summary>
    public int Signatures => _issuers.Count;

    /// <summary>
    /// The account a reasoning signature was issued to anywhere in the log, as a 64-bit hash of its id
    /// (<see cref="Hash64.Of(ReadOnlySpan{char}, long)"/>); when several accounts were issued the same signature, the
    /// smallest hash, so that the answer does not depend on order.
    /// </summary>
    public bool TryGetIssuer(ulong signature, out ulong accountHash) => _issuers.TryGetValue(signature, out accountHash);

    /// <summary>Counts one analysed exchange: its template keys, its model, its time and the reasoning signatures issued in its response.</summary>
    public void Observe(Exchange x, ExchangeAnalysis analysis)
    {
        Exchanges++;
        if (x.ResponseSignatureCount > 0)
        {
            ulong issuer = Hash64.Of(x.AccountId);
            foreach (var sig in x.ResponseSignatures) RecordIssuer(sig, issuer);
        }
        long ts = x.TimestampMs;
        if (ts < StreamStartMs) StreamStartMs = ts;
        if (!x.Model.IsEmpty) RecordModel(x.Model, ts);
        for (int i = 0; i < analysis.TemplateKeyCount; i++) Count(analysis.TemplateKeys[i]);
    }

    /// <summary>Keeps the earliest sighting of a model, for at most <see cref="ModelRegistry.Capacity"/> models.</summary>
    private void RecordModel(ReadOnlySpan<char> model, long timestampMs)
    {
        if (_models.TryGetValue(model, out var first)) { if (timestampMs < first) _models[model] = timestampMs; }
        else if (_modelFirstSeen.Count < ModelRegistry.Capacity) _models[model] = timestampMs;
    }

    private void RecordIssuer(ulong signature, ulong issuer)
    {
        if (_issuers.TryGetValue(signature, out var known)) { if (issuer < known) _issuers[signature] = issuer; }
        else if (_issuers.Count < SignatureCapacity) _issuers[signature] = issuer;
    }

    /// <summary>Counts one occurrence of a template key.</summary>
    public void Count(ulong key)
    {
        for (int d = 0; d < _depth; d++)
        {
            long bit = Position(key, d);
            ref ulong word = ref _counters[bit >> 6];
            int shift = (int)(bit & 63);
            ulong c = (word >> shift) & 3;
            if (c < Saturation) word += 1UL << shift;
        }
    }

    /// <summary>Whether <paramref name="key"/> was seen at least <see cref="DetectionEngine.TemplateThreshold"/> times (never false when it was).</summary>
    public bool Recurring(ulong key)
    {
        for (int d = 0; d < _depth; d++)
        {
            long bit = Position(key, d);
            if (((_counters[bit >> 6] >> (int)(bit & 63)) & 3) < Saturation) return false;
        }
        return true;
    }

    /// <summary>Adds the census of another part of the same log (another partition): the result is the census of both.</summary>
    /// <exception cref="ArgumentException">The other census has another shape.</exception>
    public void Merge(LogCensus other)
    {
        if (other._depth != _depth || other._rowBits != _rowBits) throw new ArgumentException("The censuses have different shapes.", nameof(other));
        for (int i = 0; i < _counters.Length; i++)
        {
            ulong a = _counters[i], b = other._counters[i];
            if ((a | b) == 0) continue;
            ulong merged = 0;
            for (int shift = 0; shift < 64; shift += 2)
            {
                ulong sum = Math.Min((ulong)Saturation, ((a >> shift) & 3) + ((b >> shift) & 3));
                merged |= sum << shift;
            }
            _counters[i] = merged;
        }
        Exchanges += other.Exchanges;
        StreamStartMs = Math.Min(StreamStartMs, other.StreamStartMs);
        foreach (var (signature, issuer) in other._issuers) RecordIssuer(signature, issuer);
        foreach (var (model, first) in other._modelFirstSeen) RecordModel(model, first);
    }

    private const uint Magic = 0x31434744; // "DGC1"

    /// <summary>
    /// The census in binary form (for shipping between cluster nodes): shape, counters, models and issuers, exactly.
    /// Canonical: models and issuers are written in key order, so censuses with the same content (a census of a whole
    /// log, or the merge of its partitions' censuses) give the same bytes.
    /// </summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(_rowBits);
            w.Write(_depth);
            w.Write(Exchanges);
            w.Write(StreamStartMs);
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_counters.AsSpan()));
            w.Write(_modelFirstSeen.Count);
            // Models and issuers in key order: the same census gives the same bytes however it was gathered or merged.
            foreach (var (model, first) in _modelFirstSeen.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                PartitionStateCodec.WriteText(w, model);
                w.Write(first);
            }
            w.Write(_issuers.Count);
            foreach (var (signature, issuer) in _issuers.OrderBy(kv => kv.Key))
            {
                w.Write(signature);
                w.Write(issuer);
            }
        }
        return stream.ToArray();
    }

    /// <summary>Reads a census written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="InvalidDataException">Not a census, or truncated or malformed.</exception>
    public static LogCensus FromBytes(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8);
        try
        {
            if (r.ReadUInt32() != Magic) throw new InvalidDataException("not a census (magic)");
            int rowBits = r.ReadInt32(), depth = r.ReadInt32();
            if (rowBits is < 6 or > 30 || depth is < 1 or > 8) throw new InvalidDataException($"census shape 2^{rowBits} x {depth}");
            var census = new LogCensus(1 << rowBits, depth) { Exchanges = r.ReadInt64(), StreamStartMs = r.ReadInt64() };
            var counters = System.Runtime.InteropServices.MemoryMarshal.AsBytes(census._counters.AsSpan());
            if (r.Read(counters) != counters.Length) throw new EndOfStreamException();
            int models = r.ReadInt32();
            if (models < 0 || models > ModelRegistry.Capacity) throw new InvalidDataException($"{models} models");
            for (int i = 0; i < models; i++)
                census._modelFirstSeen[PartitionStateCodec.ReadText(r) ?? throw new InvalidDataException("a model without a name")] = r.ReadInt64();
            int issuers = r.ReadInt32();
            if (issuers < 0 || issuers > SignatureCapacity) throw new InvalidDataException($"{issuers} signature issuers");
            for (int i = 0; i < issuers; i++) census._issuers[r.ReadUInt64()] = r.ReadUInt64();
            if (stream.Position != stream.Length) throw new InvalidDataException($"{stream.Length - stream.Position} bytes after the census");
            return census;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("census: truncated", e);
        }
    }

    /// <summary>Bit position of the key's 2-bit counter in row <paramref name="row"/>.</summary>
    private long Position(ulong key, int row)
    {
        ulong h = Hash64.Mix(key + (ulong)(row + 1) * 0x9E3779B97F4A7C15UL);
        long column = (long)(h >> (64 - _rowBits));
        return ((long)row << (_rowBits + 1)) + (column << 1);
    }
}
