namespace DistillGuard.Core.Similarity;

/// <summary>
/// Recent frequency of template keys across all exchanges, in fixed memory: a count-min sketch (Cormode and
/// Muthukrishnan, 2005) of saturating 8-bit counters with conservative update, kept in two generations that rotate
/// every <see cref="GenerationSize"/> increments, so the estimate covers the last one to two generations and old
/// one-off prompts fade out. A key whose estimate reaches a small threshold is a recurring prompt skeleton — a
/// template — while the unique frames of ordinary prompts stay below it.
/// </summary>
/// <remarks>
/// The sketch is cache-line blocked (as blocked Bloom filters are: Putze, Sanders and Singler, "Cache-, hash- and
/// space-efficient Bloom filters", WEA 2007): a key's <c>depth</c> counters lie in one 64-byte block chosen by one
/// hash, at positions chosen by another, so an update costs one cache miss per generation instead of one per row.
/// Memory: two generations of <c>depth × width</c> counters rounded up to a power-of-two number of blocks (8 MiB by
/// default). Not thread-safe.
/// </remarks>
public sealed class TemplateCounter
{
    private readonly byte[][] _generations;
    private readonly int _depth;
    private readonly int _blockMask;
    private const int BlockBytes = 64;
    private int _current;
    private long _inCurrent;

    /// <summary>Creates a counter.</summary>
    /// <param name="width">Counters per row (rounded up to a power of two).</param>
    /// <param name="depth">Rows.</param>
    /// <param name="generationSize">Increments per generation.</param>
    public TemplateCounter(int width = 1 << 20, int depth = 3, long generationSize = 1 << 20)
    {
        if (depth is < 1 or > 10) throw new ArgumentOutOfRangeException(nameof(depth), depth, "1 to 10 rows");
        int rowWidth = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, width));
        _depth = depth;
        int blocks = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, rowWidth * depth / BlockBytes));
        _blockMask = blocks - 1;
        GenerationSize = generationSize;
        _generations = [new byte[blocks * BlockBytes], new byte[blocks * BlockBytes]];
    }

    /// <summary>Increments per generation.</summary>
    public long GenerationSize { get; }

    /// <summary>Memory held by the counters, in bytes.</summary>
    public long SizeBytes => 2L * _generations[0].Length;

    /// <summary>Counts one occurrence of <paramref name="key"/>.</summary>
    /// <returns>The estimated recent count including this occurrence (never below the true count within the window).</returns>
    public int Increment(ulong key)
    {
        if (_inCurrent >= GenerationSize) Rotate();
        _inCurrent++;
        ulong h = Hash64.Mix(key);
        var block = _generations[_current].AsSpan(Block(h), BlockBytes);
        ulong positions = Hash64.Mix(h ^ 0x9E3779B97F4A7C15UL);
        int min = int.MaxValue;
        for (int d = 0; d < _depth; d++) min = Math.Min(min, block[(int)(positions >> (6 * d)) & 63]);
        int target = Math.Min(255, min + 1);
        for (int d = 0; d < _depth; d++)
        {
            ref byte c = ref block[(int)(positions >> (6 * d)) & 63];
            if (c < target) c = (byte)target;
        }
        return target + Estimate(_generations[1 - _current], h, positions);
    }

    /// <summary>Estimated recent count of <paramref name="key"/>.</summary>
    public int Estimate(ulong key)
    {
        ulong h = Hash64.Mix(key);
        ulong positions = Hash64.Mix(h ^ 0x9E3779B97F4A7C15UL);
        return Estimate(_generations[_current], h, positions) + Estimate(_generations[1 - _current], h, positions);
    }

    private int Estimate(byte[] gen, ulong h, ulong positions)
    {
        var block = gen.AsSpan(Block(h), BlockBytes);
        int min = int.MaxValue;
        for (int d = 0; d < _depth; d++) min = Math.Min(min, block[(int)(positions >> (6 * d)) & 63]);
        return min;
    }

    private int Block(ulong h) => (int)(h & (uint)_blockMask) * BlockBytes;

    private void Rotate()
    {
        _current = 1 - _current;
        Array.Clear(_generations[_current]);
        _inCurrent = 0;
    }

}
