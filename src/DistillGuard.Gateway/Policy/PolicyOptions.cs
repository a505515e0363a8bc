namespace DistillGuard.Gateway.Policy;

/// <summary>
/// The enforcement policy: rules are tried in order and the first that matches an account's current verdict decides;
/// deny and allow lists and analyst decisions come first.
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>Record what would have been done, but forward everything (audit entries are marked <c>dry_run</c>).</summary>
    public bool DryRun { get; set; }

    /// <summary>Rules, first match wins. The default blocks <c>attack</c> and withholds reasoning from <c>suspicious</c> accounts.</summary>
    public List<PolicyRule> Rules { get; set; } =
    [
        new() { Name = "block-attack", Verdict = "attack", Action = PolicyAction.Block },
        new() { Name = "throttle-suspicious", Verdict = "suspicious", Action = PolicyAction.Throttle, RequestsPerMinute = 30, TokensPerMinute = 60_000, WithholdReasoning = true },
    ];

    /// <summary>Accounts always forwarded (a partner's evaluation harness, a red team).</summary>
    public List<ListEntry> AllowList { get; set; } = [];

    /// <summary>Accounts always blocked.</summary>
    public List<ListEntry> DenyList { get; set; } = [];

    /// <summary>Where <see cref="PolicyAction.RequireVerification"/> sends the user (in the error body).</summary>
    public string VerificationUrl { get; set; } = "";
}

/// <summary>One policy rule: conditions on the account's verdict, risk and reason codes, and the action.</summary>
public sealed class PolicyRule
{
    /// <summary>Name recorded in the audit log.</summary>
    public string Name { get; set; } = "";

    /// <summary>Verdict the account must have (<c>benign</c>, <c>suspicious</c>, <c>attack</c>), or empty for any.</summary>
    public string Verdict { get; set; } = "";

    /// <summary>Least risk (0–100), inclusive.</summary>
    public int MinRisk { get; set; }

    /// <summary>Greatest risk (0–100), inclusive.</summary>
    public int MaxRisk { get; set; } = 100;

    /// <summary>Reason codes of which the account must have at least one, or empty for any.</summary>
    public List<string> ReasonCodes { get; set; } = [];

    /// <summary>What to do.</summary>
    public PolicyAction Action { get; set; } = PolicyAction.Allow;

    /// <summary>Throttle: requests per minute (token bucket, bursts up to this many).</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Throttle: output and input tokens per minute (0: unlimited).</summary>
    public int TokensPerMinute { get; set; }

    /// <summary>Also strip reasoning from the responses of forwarded requests.</summary>
    public bool WithholdReasoning { get; set; }
}

/// <summary>A list entry: an account, why, and until when.</summary>
public sealed class ListEntry
{
    /// <summary>Account id.</summary>
    public string AccountId { get; set; } = "";

    /// <summary>Why (recorded in audit entries).</summary>
    public string Reason { get; set; } = "";

    /// <summary>When the entry lapses (UTC), or null for never.</summary>
    public DateTimeOffset? Expires { get; set; }
}

/// <summary>Enforcement actions, mildest first.</summary>
public enum PolicyAction
{
    /// <summary>Forward.</summary>
    Allow,
    /// <summary>Forward and record an audit entry.</summary>
    Flag,
    /// <summary>Forward reasoning-free: strip reasoning fields and thinking blocks from JSON and SSE responses.</summary>
    WithholdReasoning,
    /// <summary>Forward within a token bucket of requests and tokens per minute; beyond it answer 429.</summary>
    Throttle,
    /// <summary>Answer 403 with a machine-readable <c>verification_required</c> error.</summary>
    RequireVerification,
    /// <summary>Answer 403 with a <c>blocked</c> error.</summary>
    Block,
}
