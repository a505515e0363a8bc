namespace DistillGuard.Core.Scoring;

/// <summary>
/// Thresholds and weights of the risk model. Defaults are documented in docs/detection.md; every score is 0–100,
/// higher = riskier.
/// </summary>
public sealed record ScoringOptions
{
    /// <summary>Risk at or above which the verdict is <c>attack</c>.</summary>
    public float AttackThreshold { get; init; } = 70f;

    /// <summary>Risk at or above which the verdict is <c>suspicious</c>.</summary>
    public float SuspiciousThreshold { get; init; } = 40f;

    /// <summary>Minimum edge weight for two accounts to be neighbours in the campaign graph.</summary>
    public float EdgeThreshold { get; init; } = 0.4f;

    /// <summary>Fewest accounts in a multi-account campaign (smaller communities are reported as their members alone).</summary>
    public int MinCampaignAccounts { get; init; } = 2;

    /// <summary>
    /// Billing tiers of contracted, identity-verified customers (matched case-insensitively against the accounts
    /// file's <c>tier</c>): on their own evidence such accounts reach at most <c>suspicious</c>, for human review.
    /// </summary>
    public IReadOnlyList<string> TrustedTiers { get; init; } = ["enterprise"];

    /// <summary>The defaults.</summary>
    public static ScoringOptions Default { get; } = new();
}
