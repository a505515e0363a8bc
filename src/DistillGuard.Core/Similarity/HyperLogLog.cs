using System.Numerics;

namespace DistillGuard.Core.Similarity;

/// <summary>
/// Distinct-count estimation with HyperLogLog over a caller-owned register array (Flajolet, Fusy, Gandouet and
/// Meunier, "HyperLogLog: the analysis of a near-optimal cardinality estimation algorithm", AofA 2007), with linear
/// counting for small cardinalities. m registers give a relative standard error of about 1.04/√m.
/// </summary>
public static class HyperLogLog
{
    /// <summary>Adds a 64-bit hash to the registers (m = <c>registers.Length</c>, a power of two ≤ 256).</summary>
    public static void Add(Span<byte> registers, ulong hash)
    {
        int m = registers.Length;
        int p = BitOperations.Log2((uint)m);
        int index = (int)(hash >> (64 - p));
        ulong rest = (hash << p) | (1UL << (p - 1));
        byte rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (rank > registers[index]) registers[index] = rank;
    }

    /// <summary>Estimated number of distinct hashes added.</summary>
    public static double Estimate(ReadOnlySpan<byte> registers)
    {
        int m = registers.Length;
        double sum = 0;
        int zeros = 0;
        foreach (var r in registers)
        {
            sum += 1.0 / (1UL << r);
            if (r == 0) zeros++;
        }
        double alpha = m switch { 16 => 0.673, 32 => 0.697, 64 => 0.709, _ => 0.7213 / (1 + 1.079 / m) };
        double e = alpha * m * m / sum;
        if (e <= 2.5 * m && zeros > 0) e = m * Math.Log((double)m / zeros);
        return e;
    }

    /// <summary>Merges <paramref name="other"/> into <paramref name="target"/> (register-wise maximum): the union's sketch.</summary>
    public static void Merge(Span<byte> target, ReadOnlySpan<byte> other)
    {
        for (int i = 0; i < target.Length; i++) if (other[i] > target[i]) target[i] = other[i];
    }
}
