using DistillGuard.Core.Text;

namespace DistillGuard.Core.Signals;

/// <summary>Shared scoring helpers over phrase hits.</summary>
public static class PhraseEvidence
{
    /// <summary>
    /// Noisy-OR of the weights of distinct matched phrases (group 0 only) at or above <paramref name="minWeight"/>,
    /// combined by maximum with weaker phrases (so many weak cues never add up to strong evidence).
    /// </summary>
    public static float NoisyOr(ReadOnlySpan<PhraseHit> hits, IReadOnlyList<Phrase> phrases, float minWeight = 0.3f)
    {
        float keep = 1f, weak = 0f;
        int lastPattern = -1;
        Span<int> seen = stackalloc int[32];
        int seenCount = 0;
        foreach (var h in hits)
        {
            if (phrases[h.PatternId].Group != 0) continue; // rule-group phrases count only through their signal's rules
            if (h.PatternId == lastPattern) continue;
            lastPattern = h.PatternId;
            if (seen[..seenCount].Contains(h.PatternId)) continue;
            if (seenCount < seen.Length) seen[seenCount++] = h.PatternId;
            float w = phrases[h.PatternId].Weight;
            if (w >= minWeight) keep *= 1f - w;
            else if (w > weak) weak = w;
        }
        return MathF.Max(1f - keep, weak);
    }

    /// <summary>Whether a hit of group <paramref name="a"/> and a hit of group <paramref name="b"/> lie within <paramref name="window"/> characters of each other.</summary>
    public static bool Near(ReadOnlySpan<PhraseHit> hits, IReadOnlyList<Phrase> phrases, byte a, byte b, int window)
    {
        foreach (var x in hits)
        {
            if (phrases[x.PatternId].Group != a) continue;
            foreach (var y in hits)
            {
                if (phrases[y.PatternId].Group != b) continue;
                int gap = y.Start >= x.End ? y.Start - x.End : x.Start >= y.End ? x.Start - y.End : 0;
                if (gap <= window) return true;
            }
        }
        return false;
    }

    /// <summary>Whether a hit of group <paramref name="first"/> ends before a hit of group <paramref name="second"/> starts, at most <paramref name="window"/> characters earlier.</summary>
    public static bool Before(ReadOnlySpan<PhraseHit> hits, IReadOnlyList<Phrase> phrases, byte first, byte second, int window)
    {
        foreach (var x in hits)
        {
            if (phrases[x.PatternId].Group != first) continue;
            foreach (var y in hits)
            {
                if (phrases[y.PatternId].Group != second) continue;
                int gap = y.Start - x.End;
                if (gap >= 0 && gap <= window) return true;
            }
        }
        return false;
    }

    /// <summary>Number of hits belonging to group <paramref name="group"/>.</summary>
    public static int CountGroup(ReadOnlySpan<PhraseHit> hits, IReadOnlyList<Phrase> phrases, byte group)
    {
        int n = 0;
        foreach (var h in hits) if (phrases[h.PatternId].Group == group) n++;
        return n;
    }

    /// <summary>Highest weight among hits of group <paramref name="group"/> (0 when none).</summary>
    public static float MaxWeight(ReadOnlySpan<PhraseHit> hits, IReadOnlyList<Phrase> phrases, byte group)
    {
        float m = 0;
        foreach (var h in hits)
        {
            var p = phrases[h.PatternId];
            if (p.Group == group && p.Weight > m) m = p.Weight;
        }
        return m;
    }
}
