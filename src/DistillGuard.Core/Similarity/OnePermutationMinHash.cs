namespace DistillGuard.Core.Similarity;

/// <summary>
/// MinHash signatures by one permutation hashing with densification: each shingle hash is routed to one of K bins
/// and each bin keeps its minimum, so a signature costs one pass over the shingles instead of K (Li, Owen and Zhang,
/// "One Permutation Hashing", NeurIPS 2012). Empty bins borrow the value of the next non-empty bin to the right
/// plus a per-distance offset (Shrivastava and Li, "Densifying One Permutation Hashing via Rotation for Fast Near
/// Neighbor Search", ICML 2014), which keeps P[sig_a[j] = sig_b[j]] equal to the Jaccard similarity of a and b.
/// </summary>
public static class OnePermutationMinHash
{
    private const uint EmptyBin = uint.MaxValue;
    private const uint RotationOffset = 0x9E3779B9u;

    /// <summary>Computes a K-bin signature, K = <c>signature.Length</c>.</summary>
    /// <param name="shingles">64-bit shingle hashes (see <see cref="Shingles"/>).</param>
    /// <param name="signature">Receives K 32-bit minima. All bins are <see cref="uint.MaxValue"/> when there are no shingles.</param>
    public static void Compute(ReadOnlySpan<ulong> shingles, Span<uint> signature)
    {
        int k = signature.Length;
        signature.Fill(EmptyBin);
        if (shingles.IsEmpty) return;
        foreach (var s in shingles)
        {
            // High bits choose the bin, low bits are the value: both are uniform after the shingle's fmix64.
            int bin = (int)(((s >> 32) * (ulong)k) >> 32);
            uint v = (uint)s;
            if (v == EmptyBin) v--;
            if (v < signature[bin]) signature[bin] = v;
        }
        Densify(signature);
    }

    /// <summary>Fills empty bins by rotation: bin j takes the first non-empty bin to its right (cyclically) plus distance × offset.</summary>
    internal static void Densify(Span<uint> signature)
    {
        int k = signature.Length;
        int nearest = -1, distance = 0;
        // Two cyclic laps right-to-left: the first finds the nearest full bin, the second fills the empties.
        // Fullness is taken from the original bins, so a filled bin never serves as a source.
        Span<bool> full = k <= 512 ? stackalloc bool[k] : new bool[k];
        bool any = false;
        for (int j = 0; j < k; j++) any |= full[j] = signature[j] != EmptyBin;
        if (!any) return;
        for (int step = 2 * k - 1; step >= 0; step--)
        {
            int j = step % k;
            if (full[j]) { nearest = j; distance = 0; continue; }
            distance++;
            if (step < k && nearest >= 0)
                signature[j] = unchecked(signature[nearest] + (uint)distance * RotationOffset);
        }
    }

    /// <summary>Estimated Jaccard similarity: the share of bins on which two signatures agree.</summary>
    public static double EstimateJaccard(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Signatures differ in length.");
        int same = 0;
        for (int j = 0; j < a.Length; j++) if (a[j] == b[j]) same++;
        return (double)same / a.Length;
    }
}
