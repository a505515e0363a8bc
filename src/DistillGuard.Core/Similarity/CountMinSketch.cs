namespace DistillGuard.Core.Similarity;

/// <summary>
/// Frequency estimation in fixed memory with a count-min sketch and conservative update (Cormode and
/// Muthukrishnan, "An improved data stream summary: the count-min sketch and its applications", J. Algorithms 2005;
/// Estan and Varghese, 2002). Estimates never undercount; with width w and depth d the overcount exceeds
/// e·N/w with probability at most e^-d. Memory: <c>depth × width × 4</c> bytes.
/// </summary>
public sealed class CountMinSketch
{
    private const int MaxDepth = 8;
    private readonly uint[] _counts;
    private readonly int _width;
    private readonly int _depth;
    private readonly int _mask;

    /// <summary>Creates a sketch.</summary>
    /// <param name="width">Counters per row; rounded up to a power of two.</param>
    /// <param name="depth">Rows (independent hash functions), 1–8.</param>
    /// <param name="conservative">
    /// Conservative update (the default): smaller overcounts, but the counters then depend on the order of the
    /// increments. Plain update: every row grows by one, so the counters (and every estimate) are the same in any order.
    /// </param>
    public CountMinSketch(int width = 1 << 16, int depth = 4, bool conservative = true)
    {
        Conservative = conservative;
        if (depth is < 1 or > MaxDepth) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"1–{MaxDepth} rows");
        _width = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, width));
        _mask = _width - 1;
        _depth = depth;
        _counts = new uint[_width * depth];
    }

    /// <summary>Counters per row.</summary>
    public int Width => _width;

    /// <summary>Rows.</summary>
    public int Depth => _depth;

    /// <summary>Whether increments use conservative update (order-dependent counters) rather than plain update.</summary>
    public bool Conservative { get; }

    /// <summary>Memory held by the counters, in bytes.</summary>
    public long SizeBytes => _counts.LongLength * sizeof(uint);

    /// <summary>Adds one to the key's count (with conservative update only the minimal counters grow).</summary>
    /// <returns>The new estimate.</returns>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public uint Increment(ulong key)
    {
        if (!Conservative)
        {
            uint least = uint.MaxValue;
            for (int d = 0; d < _depth; d++)
            {
                ref uint c = ref _counts[d * _width + Slot(key, d)];
                if (c < uint.MaxValue) c++;
                if (c < least) least = c;
            }
            return least;
        }
        // Each row's slot is hashed once and used for both the estimate and the update.
        Span<int> slots = stackalloc int[MaxDepth];
        uint min = uint.MaxValue;
        for (int d = 0; d < _depth; d++)
        {
            int slot = slots[d] = d * _width + Slot(key, d);
            uint c = _counts[slot];
            if (c < min) min = c;
        }
        uint target = min == uint.MaxValue ? min : min + 1;
        for (int d = 0; d < _depth; d++)
        {
            ref uint c = ref _counts[slots[d]];
            if (c < target) c = target;
        }
        return target;
    }

    /// <summary>Estimated count of <paramref name="key"/> (never below the true count).</summary>
    public uint Estimate(ulong key)
    {
        uint min = uint.MaxValue;
        for (int d = 0; d < _depth; d++)
        {
            uint c = _counts[d * _width + Slot(key, d)];
            if (c < min) min = c;
        }
        return min;
    }

    /// <summary>Adds the counts of another plain-update sketch of the same shape (a sketch of another part of the same stream).</summary>
    /// <exception cref="ArgumentException">Shapes differ, or either sketch uses conservative update (whose counters do not add up).</exception>
    public void Add(CountMinSketch other)
    {
        if (other._width != _width || other._depth != _depth) throw new ArgumentException("Sketch shape differs.", nameof(other));
        if (Conservative || other.Conservative) throw new ArgumentException("Conservative-update sketches cannot be added.", nameof(other));
        for (int i = 0; i < _counts.Length; i++)
        {
            ulong sum = (ulong)_counts[i] + other._counts[i];
            _counts[i] = sum > uint.MaxValue ? uint.MaxValue : (uint)sum;
        }
    }

    /// <summary>Copies the counters out (for persistence).</summary>
    public uint[] Export() => (uint[])_counts.Clone();

    /// <summary>Restores counters exported from a sketch of the same shape.</summary>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public void Import(ReadOnlySpan<uint> counts)
    {
        if (counts.Length != _counts.Length) throw new ArgumentException("Sketch shape differs.", nameof(counts));
        counts.CopyTo(_counts);
    }

    private int Slot(ulong key, int row) => (int)(Hash64.Mix(key + (ulong)row * 0x9E3779B97F4A7C15UL) & (uint)_mask);
}
