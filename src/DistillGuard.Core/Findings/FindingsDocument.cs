using System.Text.Json.Serialization;

namespace DistillGuard.Core.Findings;

/// <summary>
/// The findings of a scan: <c>findings.json</c>, schema <see cref="SchemaId"/> (documented in docs/findings.md).
/// Times are RFC 3339 UTC; scores are integers 0–100, higher = riskier.
/// </summary>
public sealed record FindingsDocument
{
    /// <summary>Schema identifier and version of this document.</summary>
    public const string SchemaId = "distillguard.findings/v1";

    /// <summary>Schema identifier (<see cref="SchemaId"/>).</summary>
    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    /// <summary>When the document was produced.</summary>
    [JsonPropertyName("generated_at")] public DateTimeOffset GeneratedAt { get; init; }
    /// <summary>The producing tool.</summary>
    [JsonPropertyName("tool")] public ToolInfo Tool { get; init; } = new();
    /// <summary>The redaction policy applied (<c>standard</c> or <c>strict</c>).</summary>
    [JsonPropertyName("redaction")] public string Redaction { get; init; } = "standard";
    /// <summary>What was read.</summary>
    [JsonPropertyName("input")] public InputSummary Input { get; init; } = new();
    /// <summary>Counts by verdict.</summary>
    [JsonPropertyName("summary")] public FindingsSummary Summary { get; init; } = new();
    /// <summary>Campaigns, highest risk first.</summary>
    [JsonPropertyName("campaigns")] public List<CampaignFinding> Campaigns { get; init; } = new();
    /// <summary>Accounts whose verdict is not benign (all accounts with <c>--all-accounts</c>), highest risk first.</summary>
    [JsonPropertyName("accounts")] public List<AccountFinding> Accounts { get; init; } = new();
}

/// <summary>The producing tool.</summary>
public sealed record ToolInfo
{
    /// <summary>Tool name.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "distillguard";
    /// <summary>Tool version.</summary>
    [JsonPropertyName("version")] public string Version { get; init; } = typeof(ToolInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>What the scan read.</summary>
public sealed record InputSummary
{
    /// <summary>Input files (or <c>-</c> for standard input).</summary>
    [JsonPropertyName("sources")] public List<string> Sources { get; init; } = new();
    /// <summary>Lines read, blank lines excluded.</summary>
    [JsonPropertyName("lines_read")] public long LinesRead { get; init; }
    /// <summary>Exchanges processed.</summary>
    [JsonPropertyName("exchanges")] public long Exchanges { get; init; }
    /// <summary>Malformed lines reported and skipped.</summary>
    [JsonPropertyName("lines_skipped")] public long LinesSkipped { get; init; }
    /// <summary>Distinct accounts.</summary>
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    /// <summary>Earliest exchange time.</summary>
    [JsonPropertyName("first_exchange")] public DateTimeOffset? FirstExchange { get; init; }
    /// <summary>Latest exchange time.</summary>
    [JsonPropertyName("last_exchange")] public DateTimeOffset? LastExchange { get; init; }
    /// <summary>The first skipped-line errors (<c>file:line: field: expected</c>), at most 100.</summary>
    [JsonPropertyName("errors")] public List<string> Errors { get; init; } = new();
}

/// <summary>Counts by verdict.</summary>
public sealed record FindingsSummary
{
    /// <summary>Accounts with verdict <c>attack</c>.</summary>
    [JsonPropertyName("accounts_attack")] public int AccountsAttack { get; init; }
    /// <summary>Accounts with verdict <c>suspicious</c>.</summary>
    [JsonPropertyName("accounts_suspicious")] public int AccountsSuspicious { get; init; }
    /// <summary>Campaigns with verdict <c>attack</c>.</summary>
    [JsonPropertyName("campaigns_attack")] public int CampaignsAttack { get; init; }
    /// <summary>Campaigns with verdict <c>suspicious</c>.</summary>
    [JsonPropertyName("campaigns_suspicious")] public int CampaignsSuspicious { get; init; }
}

/// <summary>One reason behind a score.</summary>
public sealed record ReasonFinding
{
    /// <summary>Stable reason code (docs/detection.md).</summary>
    [JsonPropertyName("code")] public string Code { get; init; } = "";
    /// <summary>Strength of the reason, 0–100.</summary>
    [JsonPropertyName("score")] public int Score { get; init; }
    /// <summary>What was measured.</summary>
    [JsonPropertyName("detail")] public string Detail { get; init; } = "";
}

/// <summary>The four sub-scores, each 0–100.</summary>
public sealed record SubScores
{
    /// <summary>Extraction content of the prompts.</summary>
    [JsonPropertyName("content")] public int Content { get; init; }
    /// <summary>Automation and harvest-shaped behaviour.</summary>
    [JsonPropertyName("behaviour")] public int Behaviour { get; init; }
    /// <summary>Coordination with other accounts.</summary>
    [JsonPropertyName("coordination")] public int Coordination { get; init; }
    /// <summary>Account-farm and proxy infrastructure.</summary>
    [JsonPropertyName("infrastructure")] public int Infrastructure { get; init; }
}

/// <summary>An example exchange kept as evidence.</summary>
public sealed record ExampleFinding
{
    /// <summary>Exchange id from the log (or <c>file:line</c>).</summary>
    [JsonPropertyName("exchange_id")] public string ExchangeId { get; init; } = "";
    /// <summary>Account that sent it.</summary>
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
    /// <summary>Exchange time.</summary>
    [JsonPropertyName("timestamp")] public DateTimeOffset Timestamp { get; init; }
    /// <summary>Strongest signal's reason code.</summary>
    [JsonPropertyName("reason")] public string Reason { get; init; } = "";
    /// <summary>That signal's score, 0–100.</summary>
    [JsonPropertyName("score")] public int Score { get; init; }
    /// <summary>Redacted excerpt of the prompt, or null when excerpts are disabled.</summary>
    [JsonPropertyName("excerpt")] public string? Excerpt { get; init; }
}

/// <summary>An account's finding.</summary>
public sealed record AccountFinding
{
    /// <summary>Account id.</summary>
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
    /// <summary>Risk 0–100 after campaign lift.</summary>
    [JsonPropertyName("risk_score")] public int RiskScore { get; init; }
    /// <summary><c>benign</c>, <c>suspicious</c> or <c>attack</c>.</summary>
    [JsonPropertyName("verdict")] public string Verdict { get; init; } = "benign";
    /// <summary>The campaign the account belongs to, or null.</summary>
    [JsonPropertyName("campaign_id")] public string? CampaignId { get; init; }
    /// <summary>Sub-scores.</summary>
    [JsonPropertyName("sub_scores")] public SubScores SubScores { get; init; } = new();
    /// <summary>Reasons, strongest first.</summary>
    [JsonPropertyName("reasons")] public List<ReasonFinding> Reasons { get; init; } = new();
    /// <summary>Time of the exchange at which the account first reached <c>attack</c> in stream order, or null.</summary>
    [JsonPropertyName("first_flagged_at")] public DateTimeOffset? FirstFlaggedAt { get; init; }
    /// <summary>Time of the exchange at which the account first reached <c>suspicious</c> or higher in stream order, or null.</summary>
    [JsonPropertyName("first_suspicious_at")] public DateTimeOffset? FirstSuspiciousAt { get; init; }
    /// <summary>Exchanges seen.</summary>
    [JsonPropertyName("exchange_count")] public int ExchangeCount { get; init; }
    /// <summary>First exchange time.</summary>
    [JsonPropertyName("first_seen")] public DateTimeOffset? FirstSeen { get; init; }
    /// <summary>Last exchange time.</summary>
    [JsonPropertyName("last_seen")] public DateTimeOffset? LastSeen { get; init; }
    /// <summary>Example exchanges.</summary>
    [JsonPropertyName("examples")] public List<ExampleFinding> Examples { get; init; } = new();
}

/// <summary>A MITRE ATLAS technique.</summary>
public sealed record TechniqueFinding
{
    /// <summary>Technique id, e.g. <c>AML.T0024.002</c>.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Technique name.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";
}

/// <summary>An indicator shared by campaign members.</summary>
public sealed record IndicatorFinding
{
    /// <summary>Kind: <c>ip</c>, <c>network</c>, <c>user_agent</c>, <c>payment</c>, <c>email_domain</c>, <c>creation_burst</c>, <c>system_template</c>, <c>tool_set</c>, <c>prompt_template</c>.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    /// <summary>Display value (redacted per the policy); hashes for payment methods and, by default, templates carry no raw prompt.</summary>
    [JsonPropertyName("value")] public string Value { get; init; } = "";
    /// <summary>Stable hash of the indicator (<c>kind:hex</c>), the same across runs.</summary>
    [JsonPropertyName("hash")] public string Hash { get; init; } = "";
    /// <summary>Members holding it.</summary>
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
}

/// <summary>Exchanges of campaign members in one hour (from the moment each became a candidate).</summary>
public sealed record TimelinePoint
{
    /// <summary>Start of the hour.</summary>
    [JsonPropertyName("hour")] public DateTimeOffset Hour { get; init; }
    /// <summary>Exchanges in it.</summary>
    [JsonPropertyName("exchanges")] public int Exchanges { get; init; }
}

/// <summary>A campaign's finding.</summary>
public sealed record CampaignFinding
{
    /// <summary>Stable campaign id (<c>cmp-</c> + hash of its smallest member id).</summary>
    [JsonPropertyName("campaign_id")] public string CampaignId { get; init; } = "";
    /// <summary>What it harvests, from its dominant signals (e.g. "Reasoning-trace harvest").</summary>
    [JsonPropertyName("label")] public string Label { get; init; } = "";
    /// <summary>Risk 0–100.</summary>
    [JsonPropertyName("risk_score")] public int RiskScore { get; init; }
    /// <summary><c>suspicious</c> or <c>attack</c>.</summary>
    [JsonPropertyName("verdict")] public string Verdict { get; init; } = "";
    /// <summary>Member account ids, sorted.</summary>
    [JsonPropertyName("account_ids")] public List<string> AccountIds { get; init; } = new();
    /// <summary>Number of members.</summary>
    [JsonPropertyName("account_count")] public int AccountCount { get; init; }
    /// <summary>Exchanges of all members.</summary>
    [JsonPropertyName("exchange_count")] public long ExchangeCount { get; init; }
    /// <summary>First exchange of any member.</summary>
    [JsonPropertyName("first_seen")] public DateTimeOffset? FirstSeen { get; init; }
    /// <summary>Last exchange of any member.</summary>
    [JsonPropertyName("last_seen")] public DateTimeOffset? LastSeen { get; init; }
    /// <summary>MITRE ATLAS techniques the evidence supports.</summary>
    [JsonPropertyName("techniques")] public List<TechniqueFinding> Techniques { get; init; } = new();
    /// <summary>Sub-scores of the pooled evidence.</summary>
    [JsonPropertyName("sub_scores")] public SubScores SubScores { get; init; } = new();
    /// <summary>Reasons, strongest first.</summary>
    [JsonPropertyName("reasons")] public List<ReasonFinding> Reasons { get; init; } = new();
    /// <summary>Indicators shared by members, most shared first.</summary>
    [JsonPropertyName("indicators")] public List<IndicatorFinding> Indicators { get; init; } = new();
    /// <summary>Example exchanges across members.</summary>
    [JsonPropertyName("examples")] public List<ExampleFinding> Examples { get; init; } = new();
    /// <summary>Hourly activity of the members.</summary>
    [JsonPropertyName("timeline")] public List<TimelinePoint> Timeline { get; init; } = new();
}
