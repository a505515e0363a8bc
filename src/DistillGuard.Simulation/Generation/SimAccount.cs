using DistillGuard.Simulation.Corpora;
using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Generation;

/// <summary>One simulated account: registry facts, network and user agent, and its conversation state.</summary>
public sealed class SimAccount
{
    /// <summary>Account id.</summary>
    public required string Id { get; init; }
    /// <summary>Index of its persona in the scenario.</summary>
    public required int PersonaIndex { get; init; }
    /// <summary>The persona.</summary>
    public required PersonaSpec Persona { get; init; }
    /// <summary>Creation time, Unix ms.</summary>
    public required long CreatedAtMs { get; init; }
    /// <summary>Organisation id.</summary>
    public required string OrgId { get; init; }
    /// <summary>Registration e-mail domain.</summary>
    public required string EmailDomain { get; init; }
    /// <summary>Payment fingerprint, or null.</summary>
    public string? PaymentFingerprint { get; init; }
    /// <summary>Billing tier.</summary>
    public required string Tier { get; init; }
    /// <summary>Access programme, or null.</summary>
    public string? Program { get; init; }
    /// <summary>Verification status.</summary>
    public required bool Verified { get; init; }
    /// <summary>Country code.</summary>
    public required string Country { get; init; }
    /// <summary>UTC offset in hours.</summary>
    public required double TimezoneHours { get; init; }
    /// <summary>Exit IPs the account uses.</summary>
    public required string[] Ips { get; init; }
    /// <summary>User agent.</summary>
    public required string UserAgent { get; init; }
    /// <summary>Planned exchanges (per-account activity patterns).</summary>
    public required int Budget { get; init; }
    /// <summary>The account's own random stream (deterministic per seed).</summary>
    public required Random Rng { get; init; }
    /// <summary>Fixed system prompt for templated app backends, chosen on first use.</summary>
    public string? StickySystem { get; set; }
    /// <summary>Exchanges generated so far.</summary>
    public int Sent { get; set; }
    /// <summary>Open session, or null.</summary>
    public Session? Session { get; set; }
}

/// <summary>A multi-turn session in progress.</summary>
public sealed class Session
{
    /// <summary>Turns left after the current one.</summary>
    public int TurnsLeft { get; set; }
    /// <summary>The item the session started from.</summary>
    public required PoolItem Item { get; init; }
    /// <summary>System prompt of the session.</summary>
    public string? System { get; init; }
    /// <summary>Tools offered throughout the session.</summary>
    public IReadOnlyList<ToolDef>? Tools { get; init; }
    /// <summary>API format of the session.</summary>
    public required bool Anthropic { get; init; }
    /// <summary>Model of the session.</summary>
    public required string Model { get; init; }
    /// <summary>Conversation so far: user text, then assistant text (or tool step) per turn.</summary>
    public List<Turn> History { get; } = new();
    /// <summary>Whether the session asked for reasoning.</summary>
    public required bool Reasoning { get; init; }
}

/// <summary>One past turn of a session.</summary>
/// <param name="Input">What was sent: a user message, or the tool result of the previous turn's call.</param>
/// <param name="Assistant">Assistant text.</param>
/// <param name="ToolCall">Name of the tool the assistant called, when the turn was a tool step.</param>
/// <param name="ThinkingSignature">Signature of the assistant's thinking block (Anthropic extended thinking), or null.</param>
public sealed record Turn(PlanMessage Input, string Assistant, string? ToolCall, string? ThinkingSignature);
