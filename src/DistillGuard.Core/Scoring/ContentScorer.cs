using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Scoring;

/// <summary>
/// Extraction-content sub-score of an account or campaign, 0–1: for each signal, strength =
/// weight × min(1, hit rate / saturation) × (1 − e^(−hits / k)), combined by noisy-OR. The hit rate makes it
/// volume-independent; the confidence term stops one stray hit from counting (one hit: 0.28, ten: 0.96).
/// <c>DATASET_SWEEP</c> contributes at most 0.3: evaluation harnesses sweep benchmarks too.
/// </summary>
public static class ContentScorer
{
    private static readonly (float Weight, float Saturation, float K)[] Parameters = BuildParameters();

    private static (float, float, float)[] BuildParameters()
    {
        var p = new (float, float, float)[SignalKinds.Count];
        p[(int)SignalKind.CotElicitation] = (1.0f, 0.3f, 3f);
        p[(int)SignalKind.SyntheticData] = (0.95f, 0.3f, 3f);
        p[(int)SignalKind.JudgePrompt] = (0.75f, 0.3f, 3f); // LLM-as-judge is standard legitimate evaluation practice
        p[(int)SignalKind.ToolTraceHarvest] = (0.85f, 0.3f, 3f);
        p[(int)SignalKind.LogprobHarvest] = (0.95f, 0.3f, 3f);
        p[(int)SignalKind.ReasoningReplay] = (1.0f, 0.02f, 1f);
        p[(int)SignalKind.ClassifierEvasion] = (1.0f, 0.02f, 1f);
        p[(int)SignalKind.DatasetSweep] = (0.3f, 0.5f, 5f);
        return p;
    }

    /// <summary>Scores activity totals.</summary>
    /// <param name="exchanges">Exchanges in the totals.</param>
    /// <param name="hits">Hits per signal.</param>
    /// <param name="strengths">Receives each signal's strength, 0–1.</param>
    /// <returns>The content sub-score, 0–1.</returns>
    public static float Score(int exchanges, ReadOnlySpan<int> hits, Span<float> strengths)
    {
        strengths[..SignalKinds.Count].Clear();
        if (exchanges == 0) return 0f;
        float keep = 1f;
        for (int i = 0; i < SignalKinds.Count; i++)
        {
            if (hits[i] == 0) continue;
            var (w, sat, k) = Parameters[i];
            float rate = (float)hits[i] / exchanges;
            float s = w * MathF.Min(1f, rate / sat) * (1f - MathF.Exp(-hits[i] / k));
            strengths[i] = s;
            keep *= 1f - s;
        }
        return 1f - keep;
    }
}
