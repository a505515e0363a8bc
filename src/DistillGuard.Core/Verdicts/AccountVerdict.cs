namespace DistillGuard.Core.Verdicts;

/// <summary>An account's verdict as last published by a detector (what enforcement reads).</summary>
/// <param name="AccountId">Account.</param>
/// <param name="Verdict"><c>benign</c>, <c>suspicious</c> or <c>attack</c>.</param>
/// <param name="Risk">Risk 0–100.</param>
/// <param name="Reasons">Reason codes, strongest first (at most 8).</param>
/// <param name="CampaignId">Campaign id, or null.</param>
/// <param name="UpdatedMs">When it was published (Unix ms, wall clock).</param>
public sealed record AccountVerdict(string AccountId, string Verdict, int Risk, IReadOnlyList<string> Reasons, string? CampaignId, long UpdatedMs);
