using DistillGuard.Core.Engine;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;

namespace DistillGuard.Core.Verdicts;

/// <summary>
/// Turns an engine's live verdicts into a feed of changes for enforcement: an account is published when it first
/// leaves <c>benign</c>, and again whenever its verdict or rounded risk changes (also back to benign). Every published
/// verdict gets a version number, so a reader far away (a gateway node of a cluster) asks for "changes since V".
/// </summary>
/// <remarks>Not thread-safe: used by the one thread that drives the engine.</remarks>
public sealed class VerdictFeed
{
    private readonly Dictionary<string, (long Version, AccountVerdict Verdict)> _published = new(StringComparer.Ordinal);
    private readonly Func<long> _clock;

    /// <param name="clock">Wall clock in Unix ms for <see cref="AccountVerdict.UpdatedMs"/> (default: now).</param>
    public VerdictFeed(Func<long>? clock = null) => _clock = clock ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>Version of the newest published verdict (0 before any).</summary>
    public long Version { get; private set; }

    /// <summary>Accounts published so far.</summary>
    public int Count => _published.Count;

    /// <summary>Seeds the feed with verdicts published earlier (a snapshot), so unchanged accounts are not published again.</summary>
    public void Seed(AccountVerdict verdict) => _published[verdict.AccountId] = (0, verdict);

    /// <summary>Publishes one account if its verdict or risk changed; returns the new verdict or null.</summary>
    /// <param name="engine">The engine that owns <paramref name="p"/>.</param>
    /// <param name="p">The account.</param>
    /// <param name="campaignIds">Cache of campaign ids by label for one pass (ids cost a scan of the members).</param>
    /// <param name="force">Publish even if verdict and risk are unchanged (refreshes reasons and campaign after a replay).</param>
    public AccountVerdict? PublishOne(DetectionEngine engine, AccountProfile p, Dictionary<int, string>? campaignIds = null, bool force = false)
    {
        int risk = (int)MathF.Round(p.Risk);
        string verdict = p.Verdict.Name();
        bool known = _published.TryGetValue(p.AccountId, out var old);
        if (!known && p.Verdict == Verdict.Benign) return null;
        if (known && !force && old.Verdict.Verdict == verdict && old.Verdict.Risk == risk) return null;
        var reasons = p.Verdict == Verdict.Benign ? [] : ReasonDetails.ForAccount(p, engine.Assess(p)).OrderByDescending(r => r.Score).Select(r => r.Code).Take(8).ToList();
        string? campaignId = null;
        if (engine.CampaignOf(p) is { } c)
        {
            campaignIds ??= new();
            if (!campaignIds.TryGetValue(c.Label, out campaignId))
                campaignIds[c.Label] = campaignId = FindingsBuilder.CampaignId(c.Members.Concat(c.Associates).Select(m => m.AccountId));
        }
        var v = new AccountVerdict(p.AccountId, verdict, risk, reasons, campaignId, _clock());
        _published[p.AccountId] = (++Version, v);
        return v;
    }

    /// <summary>
    /// Publishes every account whose verdict or risk changed — campaign lifting changes accounts that sent nothing, so
    /// this is a full O(accounts) pass; hosts run it every few hundred milliseconds.
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="published">Receives each newly published verdict.</param>
    /// <param name="force">Republish every known or non-benign account (after a replay).</param>
    public void PublishChanged(DetectionEngine engine, Action<AccountVerdict> published, bool force = false)
    {
        var campaignIds = new Dictionary<int, string>();
        foreach (var p in engine.Accounts)
            if (PublishOne(engine, p, campaignIds, force) is { } v) published(v);
    }

    /// <summary>Every verdict published after version <paramref name="version"/>, newest state per account.</summary>
    public List<AccountVerdict> Since(long version)
    {
        var changes = new List<AccountVerdict>();
        foreach (var (v, verdict) in _published.Values) if (v > version) changes.Add(verdict);
        return changes;
    }
}
