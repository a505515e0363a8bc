using DistillGuard.Core.Verdicts;
using System.Collections.Concurrent;
using DistillGuard.Gateway.Storage;

namespace DistillGuard.Gateway.Policy;

/// <summary>
/// Decides the action for a request from the account's current verdict: the deny list, then the allow list, then an
/// analyst's decision, then the first matching rule. Lists and decisions live in the state database and in memory;
/// expired entries are ignored. Thread-safe.
/// </summary>
public sealed class PolicyEngine
{
    private readonly PolicyOptions _options;
    private readonly GatewayStore _store;
    private readonly ConcurrentDictionary<string, ListEntry> _allow = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ListEntry> _deny = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AnalystDecision> _decisions = new(StringComparer.Ordinal);

    /// <summary>Loads lists and decisions: the configured lists are added to the stored ones.</summary>
    public PolicyEngine(PolicyOptions options, GatewayStore store, long nowMs)
    {
        _options = options;
        _store = store;
        foreach (var e in options.AllowList) store.SetListEntry("allow", e, nowMs);
        foreach (var e in options.DenyList) store.SetListEntry("deny", e, nowMs);
        foreach (var e in store.List("allow")) _allow[e.AccountId] = e;
        foreach (var e in store.List("deny")) _deny[e.AccountId] = e;
        foreach (var d in store.Decisions()) _decisions[d.AccountId] = d;
    }

    /// <summary>Whether actions are only recorded.</summary>
    public bool DryRun => _options.DryRun;

    /// <summary>The configured policy.</summary>
    public PolicyOptions Options => _options;

    /// <summary>The action for a request of <paramref name="accountId"/> whose detector verdict is <paramref name="verdict"/> (null: benign).</summary>
    public Enforcement Decide(string accountId, AccountVerdict? verdict, long nowMs)
    {
        if (_deny.TryGetValue(accountId, out var deny) && Active(deny.Expires, nowMs)) return new Enforcement(PolicyAction.Block, "deny-list", false);
        if (_allow.TryGetValue(accountId, out var allow) && Active(allow.Expires, nowMs)) return new Enforcement(PolicyAction.Allow, "allow-list", false);
        if (_decisions.TryGetValue(accountId, out var d) && (d.ExpiresMs is null || d.ExpiresMs > nowMs))
            return new Enforcement(d.Action, "decision", d.Action == PolicyAction.WithholdReasoning,
                d.Action == PolicyAction.Throttle ? ThrottleFor(d) : null);

        string v = verdict?.Verdict ?? "benign";
        int risk = verdict?.Risk ?? 0;
        foreach (var rule in _options.Rules)
        {
            if (rule.Verdict.Length > 0 && rule.Verdict != v) continue;
            if (risk < rule.MinRisk || risk > rule.MaxRisk) continue;
            if (rule.ReasonCodes.Count > 0 && (verdict is null || !rule.ReasonCodes.Any(verdict.Reasons.Contains))) continue;
            return new Enforcement(rule.Action, rule.Name.Length > 0 ? rule.Name : $"rule-{_options.Rules.IndexOf(rule)}",
                rule.WithholdReasoning || rule.Action == PolicyAction.WithholdReasoning, rule.Action == PolicyAction.Throttle ? rule : null);
        }
        return Enforcement.Allowed;
    }

    private PolicyRule ThrottleFor(AnalystDecision d) =>
        _options.Rules.FirstOrDefault(r => r.Action == PolicyAction.Throttle) ?? new PolicyRule { Name = "decision", Action = PolicyAction.Throttle, RequestsPerMinute = 10 };

    private static bool Active(DateTimeOffset? expires, long nowMs) => expires is null || expires.Value.ToUnixTimeMilliseconds() > nowMs;

    /// <summary>Stores an analyst's decision (enforced from the next request).</summary>
    public void SetDecision(AnalystDecision d)
    {
        _store.SetDecision(d);
        _decisions[d.AccountId] = d;
    }

    /// <summary>Removes an analyst's decision.</summary>
    public bool RemoveDecision(string accountId)
    {
        _decisions.TryRemove(accountId, out _);
        return _store.RemoveDecision(accountId);
    }

    /// <summary>The decision on an account, or null.</summary>
    public AnalystDecision? Decision(string accountId) => _decisions.TryGetValue(accountId, out var d) ? d : null;

    /// <summary>Every decision.</summary>
    public IReadOnlyList<AnalystDecision> Decisions => _decisions.Values.OrderBy(d => d.AccountId, StringComparer.Ordinal).ToList();

    /// <summary>Adds or replaces an allow- or deny-list entry.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not <c>allow</c> or <c>deny</c>.</exception>
    public void SetListEntry(string kind, ListEntry e, long nowMs)
    {
        var map = MapOf(kind);
        _store.SetListEntry(kind, e, nowMs);
        map[e.AccountId] = e;
    }

    /// <summary>Removes a list entry.</summary>
    public bool RemoveListEntry(string kind, string accountId)
    {
        MapOf(kind).TryRemove(accountId, out _);
        return _store.RemoveListEntry(kind, accountId);
    }

    /// <summary>Entries of a list.</summary>
    public IReadOnlyList<ListEntry> List(string kind) => MapOf(kind).Values.OrderBy(e => e.AccountId, StringComparer.Ordinal).ToList();

    private ConcurrentDictionary<string, ListEntry> MapOf(string kind) => kind switch
    {
        "allow" => _allow,
        "deny" => _deny,
        _ => throw new ArgumentException($"list: allow or deny (found \"{kind}\")", nameof(kind)),
    };
}
