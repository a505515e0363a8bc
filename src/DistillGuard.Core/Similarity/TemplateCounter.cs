namespace DistillGuard.Core.Similarity;

/// <summary>
/// Recent frequency of template keys across all exchanges, in fixed memory: a count-min sketch (Cormode and
/// Muthukrishnan, 2005) of saturating 8-bit counters with conservative update, kept in two generations that rotate
/// every <see cref="GenerationSize"/> increments, so the estimate covers the last one to two generations and old
/// one-off prompts fade out. A key whose estimate reaches a small threshold is a recurring prompt skeleton — a
/// template — while the unique frames of ordinary prompts stay below it.
/// </summary>
/// <remarks>Memory: <c>2 × depth × width</c> bytes (6 MiB by default). Not thread-safe.</remarks>
public sealed class TemplateCounter
{
    private readonly byte[][] _generations;
    private readonly int _width;
    private readonly int _depth;
    private readonly int _mask;
    private int _current;
    private long _inCurrent;

    /// <summary>Creates a counter.</summary>
    /// <param name="width">Counters per row (rounded up to a power of two).</param>
    /// <param name="depth">Rows.</param>
    /// <param name="generationSize">Increments per generation.</param>
    public TemplateCounter(int width = 1 << 20, int depth = 3, long generationSize = 1 << 20)
    {
        _width = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, width));
        _mask = _width - 1;
        _depth = depth;
        GenerationSize = generationSize;
        _generations = [new byte[_width * depth], new byte[_width * depth]];
    }

    /// <summary>Increments per generation.</summary>
    public long GenerationSize { get; }

    /// <summary>Memory held by the counters, in bytes.</summary>
    public long SizeBytes => 2L * _width * _depth;

    /// <summary>Counts one occurrence of <paramref name="key"/>.</summary>
    /// <returns>The estimated recent count including this occurrence (never below the true count within the window).</returns>
    public int Increment(ulong key)
    {
        if (_inCurrent >= GenerationSize) Rotate();
        _inCurrent++;
        var cur = _generations[_current];
        int min = int.MaxValue;
        for (int d = 0; d < _depth; d++) min = Math.Min(min, cur[Slot(key, d)]);
        int target = Math.Min(255, min + 1);
        for (int d = 0; d < _depth; d++)
        {
            ref byte c = ref cur[Slot(key, d)];
            if (c < target) c = (byte)target;
        }
        return target + Estimate(_generations[1 - _current], key);
    }

    /// <summary>Estimated recent count of <paramref name="key"/>.</summary>
    public int Estimate(ulong key) => Estimate(_generations[_current], key) + Estimate(_generations[1 - _current], key);

    private int Estimate(byte[] gen, ulong key)
    {
        int min = int.MaxValue;
        for (int d = 0; d < _depth; d++) min = Math.Min(min, gen[Slot(key, d)]);
        return min;
    }

    private void Rotate()
    {
        _current = 1 - _current;
        Array.Clear(_generations[_current]);
        _inCurrent = 0;
    }

    private int Slot(ulong key, int row) => row * _width + (int)(Hash64.Mix(key ^ (0x9E3779B97F4A7C15UL * (ulong)(row + 1))) & (uint)_mask);
}
