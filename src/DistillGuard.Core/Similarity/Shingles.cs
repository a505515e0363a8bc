using System.Numerics;
using System.Runtime.CompilerServices;

namespace DistillGuard.Core.Similarity;

/// <summary>w-shingles (contiguous runs of w tokens) of a token-hash sequence, hashed to 64 bits (Broder, "On the resemblance and containment of documents", 1997).</summary>
public static class Shingles
{
    /// <summary>Writes the hash of every <paramref name="width"/>-token shingle of <paramref name="tokens"/>.</summary>
    /// <remarks>A sequence shorter than <paramref name="width"/> yields one shingle of all its tokens, so short texts still have a signature.</remarks>
    /// <returns>Number of shingle hashes written.</returns>
    public static int Hash(ReadOnlySpan<ulong> tokens, int width, Span<ulong> shingles)
    {
        if (tokens.IsEmpty || shingles.IsEmpty) return 0;
        if (tokens.Length <= width)
        {
            ulong h = (ulong)tokens.Length;
            foreach (var t in tokens) h = Hash64.Combine(h, t);
            shingles[0] = h;
            return 1;
        }
        int n = Math.Min(tokens.Length - width + 1, shingles.Length);
        for (int i = 0; i < n; i++) shingles[i] = Of(tokens.Slice(i, width));
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Of(ReadOnlySpan<ulong> window)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        for (int j = 0; j < window.Length; j++) h = BitOperations.RotateLeft(h, 27) * 0xC2B2AE3D27D4EB4FUL ^ window[j];
        return Hash64.Mix(h);
    }
}
