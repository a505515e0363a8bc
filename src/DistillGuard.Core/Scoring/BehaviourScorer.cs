using DistillGuard.Core.Profiles;

namespace DistillGuard.Core.Scoring;

/// <summary>Behavioural features of an account, each 0–1 (1 = most automation- or harvest-like).</summary>
public readonly record struct BehaviourFeatures(
    float AroundTheClock, float ScriptedTiming, float TemplateReuse, float SingleTurn,
    float ReasoningShare, float HighVolume, float NewModelPivot)
{
    /// <summary>Weighted behaviour sub-score, 0–1.</summary>
    public float Score => 0.25f * AroundTheClock + 0.2f * ScriptedTiming + 0.2f * TemplateReuse + 0.1f * SingleTurn
        + 0.1f * ReasoningShare + 0.1f * HighVolume + 0.05f * NewModelPivot;
}

/// <summary>
/// Behaviour sub-score: how much an account's traffic looks scripted and harvest-shaped. It amplifies extraction
/// content but never makes a verdict on its own: templated app backends and evaluation runners are automated too.
/// </summary>
public static class BehaviourScorer
{
    /// <summary>Computes the features of <paramref name="p"/>.</summary>
    public static BehaviourFeatures Assess(AccountProfile p)
    {
        int n = p.Exchanges;
        if (n == 0) return default;
        // Hour-of-day entropy: a person is idle at night in their time zone; a script is not. Max is log2(24) ≈ 4.585 bits.
        float clock = n < 24 ? 0f : Clamp((p.HourEntropyBits() - 3.3) / (4.3 - 3.3)) * MathF.Min(1f, n / 48f);
        // log10 inter-arrival spread: exponential (Poisson) gaps give ≈ 0.56; human sessions with breaks exceed 0.8; a
        // metronomic or load-balanced script sits far below.
        float scripted = p.GapCount < 10 ? 0f : Clamp((0.45 - p.GapLogStdDev) / 0.3);
        float reuse = n < 5 ? 0f : Clamp(((double)p.TemplateReuse / n - 0.3) / 0.5);
        float single = n < 5 ? 0f : Clamp(((double)p.SingleTurn / n - 0.6) / 0.35);
        float reasoning = p.TokensOut < 1000 ? 0f : Clamp(((double)p.ReasoningTokens / p.TokensOut - 0.3) / 0.4);
        double spanDays = Math.Max(1.0, (p.LastSeenMs - p.FirstSeenMs) / 86_400_000.0);
        double perDay = n / spanDays;
        float volume = perDay <= 50 ? 0f : Clamp(Math.Log10(perDay / 50) / Math.Log10(20));
        float pivot = n < 10 ? 0f : Clamp(((double)p.NewModelExchanges / n - 0.1) / 0.3);
        return new BehaviourFeatures(clock, scripted, reuse, single, reasoning, volume, pivot);
    }

    internal static float Clamp(double v) => (float)Math.Clamp(v, 0, 1);
}
