using System.Text.Json.Serialization;

namespace DistillGuard.Simulation.Evaluation;

/// <summary>How well findings match labels: the output of <c>distillguard eval</c> (scorecard.json; scorecard.md renders it).</summary>
public sealed record Scorecard
{
    /// <summary>Inputs evaluated.</summary>
    [JsonPropertyName("inputs")] public required ScorecardInputs Inputs { get; init; }
    /// <summary>Accounts by label.</summary>
    [JsonPropertyName("accounts")] public required AccountCounts Accounts { get; init; }
    /// <summary>Account-level metrics when <c>attack</c> is the positive prediction.</summary>
    [JsonPropertyName("at_attack")] public required Metrics AtAttack { get; init; }
    /// <summary>Account-level metrics when <c>suspicious</c> or <c>attack</c> is the positive prediction.</summary>
    [JsonPropertyName("at_suspicious")] public required Metrics AtSuspicious { get; init; }
    /// <summary>Flag rates per persona.</summary>
    [JsonPropertyName("personas")] public required List<PersonaRates> Personas { get; init; }
    /// <summary>Per-campaign recall, purity and detection delay.</summary>
    [JsonPropertyName("campaigns")] public required List<CampaignScore> Campaigns { get; init; }
    /// <summary>Threshold checks.</summary>
    [JsonPropertyName("checks")] public required Checks Checks { get; init; }
}

/// <summary>Files evaluated.</summary>
public sealed record ScorecardInputs
{
    /// <summary>Labels file.</summary>
    [JsonPropertyName("labels")] public required string Labels { get; init; }
    /// <summary>Findings file.</summary>
    [JsonPropertyName("findings")] public required string Findings { get; init; }
    /// <summary>Traffic file (detection delay, heavy users), or null.</summary>
    [JsonPropertyName("traffic")] public string? Traffic { get; init; }
    /// <summary>Exchanges in the traffic file, when given.</summary>
    [JsonPropertyName("exchanges")] public long? Exchanges { get; init; }
}

/// <summary>Accounts by label.</summary>
public sealed record AccountCounts
{
    /// <summary>All labelled accounts.</summary>
    [JsonPropertyName("total")] public int Total { get; init; }
    /// <summary>Attack accounts.</summary>
    [JsonPropertyName("attack")] public int Attack { get; init; }
    /// <summary>Benign accounts.</summary>
    [JsonPropertyName("benign")] public int Benign { get; init; }
    /// <summary>Benign accounts counted as heavy users (at least <see cref="HeavyThreshold"/> exchanges), when traffic was given.</summary>
    [JsonPropertyName("benign_heavy")] public int? BenignHeavy { get; init; }
    /// <summary>Exchanges that make a benign account a heavy user (the 90th percentile of benign accounts, at least 100).</summary>
    [JsonPropertyName("heavy_threshold")] public int? HeavyThreshold { get; init; }
}

/// <summary>Confusion counts and rates at one decision threshold.</summary>
public sealed record Metrics
{
    /// <summary>Attack accounts flagged.</summary>
    [JsonPropertyName("true_positives")] public int TruePositives { get; init; }
    /// <summary>Benign accounts flagged.</summary>
    [JsonPropertyName("false_positives")] public int FalsePositives { get; init; }
    /// <summary>Attack accounts not flagged.</summary>
    [JsonPropertyName("false_negatives")] public int FalseNegatives { get; init; }
    /// <summary>TP / (TP + FP).</summary>
    [JsonPropertyName("precision")] public double Precision { get; init; }
    /// <summary>TP / (TP + FN).</summary>
    [JsonPropertyName("recall")] public double Recall { get; init; }
    /// <summary>Harmonic mean of precision and recall.</summary>
    [JsonPropertyName("f1")] public double F1 { get; init; }
    /// <summary>FP / benign accounts.</summary>
    [JsonPropertyName("benign_fpr")] public double BenignFpr { get; init; }
    /// <summary>False-positive rate among heavy benign users, when traffic was given.</summary>
    [JsonPropertyName("benign_heavy_fpr")] public double? BenignHeavyFpr { get; init; }
}

/// <summary>Flag rates of one persona.</summary>
public sealed record PersonaRates
{
    /// <summary>Persona.</summary>
    [JsonPropertyName("persona")] public required string Persona { get; init; }
    /// <summary>Label of its accounts.</summary>
    [JsonPropertyName("label")] public required string Label { get; init; }
    /// <summary>Accounts.</summary>
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    /// <summary>Accounts with verdict attack.</summary>
    [JsonPropertyName("attack")] public int Attack { get; init; }
    /// <summary>Accounts with verdict suspicious or attack.</summary>
    [JsonPropertyName("suspicious_or_attack")] public int SuspiciousOrAttack { get; init; }
    /// <summary>Attack / accounts.</summary>
    [JsonPropertyName("attack_rate")] public double AttackRate { get; init; }
    /// <summary>Suspicious-or-attack / accounts.</summary>
    [JsonPropertyName("suspicious_rate")] public double SuspiciousRate { get; init; }
}

/// <summary>How one labelled campaign was found.</summary>
public sealed record CampaignScore
{
    /// <summary>Campaign name from the labels.</summary>
    [JsonPropertyName("campaign")] public required string Campaign { get; init; }
    /// <summary>Its accounts.</summary>
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    /// <summary>Share of its accounts with verdict attack.</summary>
    [JsonPropertyName("recall")] public double Recall { get; init; }
    /// <summary>Share of its accounts with verdict suspicious or attack.</summary>
    [JsonPropertyName("recall_suspicious")] public double RecallSuspicious { get; init; }
    /// <summary>Share of its attack-flagged accounts inside the single predicted campaign that holds most of them.</summary>
    [JsonPropertyName("purity")] public double Purity { get; init; }
    /// <summary>Predicted campaigns its attack-flagged accounts fall into.</summary>
    [JsonPropertyName("predicted_campaigns")] public int PredictedCampaigns { get; init; }
    /// <summary>Predicted campaign holding most of its accounts.</summary>
    [JsonPropertyName("main_predicted_campaign")] public string? MainPredictedCampaign { get; init; }
    /// <summary>Earliest first_flagged_at of its accounts.</summary>
    [JsonPropertyName("first_flagged_at")] public DateTimeOffset? FirstFlaggedAt { get; init; }
    /// <summary>Share of its exchanges served before <see cref="FirstFlaggedAt"/> (1 when never flagged), when traffic was given.</summary>
    [JsonPropertyName("delay_share")] public double? DelayShare { get; init; }
    /// <summary>Earliest first_suspicious_at of its accounts.</summary>
    [JsonPropertyName("first_suspicious_at")] public DateTimeOffset? FirstSuspiciousAt { get; init; }
    /// <summary>Share of its exchanges served before <see cref="FirstSuspiciousAt"/>, when traffic was given.</summary>
    [JsonPropertyName("delay_share_suspicious")] public double? DelayShareSuspicious { get; init; }
    /// <summary>Its exchanges in the traffic, when given.</summary>
    [JsonPropertyName("exchanges")] public long? Exchanges { get; init; }
}

/// <summary>Threshold checks (CI gates).</summary>
public sealed record Checks
{
    /// <summary>Required account recall at attack.</summary>
    [JsonPropertyName("min_recall")] public double MinRecall { get; init; }
    /// <summary>Largest benign false-positive rate allowed at attack.</summary>
    [JsonPropertyName("max_benign_fpr")] public double MaxBenignFpr { get; init; }
    /// <summary>Whether every campaign must have at least one account flagged attack.</summary>
    [JsonPropertyName("every_campaign")] public bool EveryCampaign { get; init; }
    /// <summary>Whether all checks passed.</summary>
    [JsonPropertyName("passed")] public bool Passed { get; init; }
    /// <summary>What failed.</summary>
    [JsonPropertyName("failures")] public List<string> Failures { get; init; } = new();
}
