using DistillGuard.Core.Campaigns;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Findings;

/// <summary>Options of <see cref="FindingsBuilder"/>.</summary>
public sealed record FindingsOptions
{
    /// <summary>List benign accounts too (default: only suspicious and attack).</summary>
    public bool IncludeBenign { get; init; }

    /// <summary>Production time written to the document (default: now).</summary>
    public DateTimeOffset? GeneratedAt { get; init; }

    /// <summary>Examples kept per campaign.</summary>
    public int CampaignExamples { get; init; } = 6;

    /// <summary>Shared indicators listed per campaign.</summary>
    public int CampaignIndicators { get; init; } = 25;
}

/// <summary>
/// Builds the findings document from a finished engine: campaigns (communities with a verdict of at least
/// <c>suspicious</c>, plus a single-account campaign for every attack account outside them), accounts, reasons,
/// ATLAS techniques, shared indicators, examples and timelines.
/// </summary>
public static class FindingsBuilder
{
    /// <summary>Builds the document. Call <see cref="DetectionEngine.Finish"/> first.</summary>
    public static FindingsDocument Build(DetectionEngine engine, InputSummary input, FindingsOptions? options = null)
    {
        options ??= new FindingsOptions();
        var campaignOf = new Dictionary<AccountProfile, string>();
        var campaigns = new List<CampaignFinding>();

        foreach (var c in engine.Campaigns.Values)
        {
            if (c.Verdict == Verdict.Benign) continue;
            var finding = FromCommunity(engine, c, options);
            campaigns.Add(finding);
            foreach (var m in c.Members) campaignOf[m] = finding.CampaignId;
            foreach (var m in c.Associates) campaignOf.TryAdd(m, finding.CampaignId);
        }
        foreach (var p in engine.Accounts)
        {
            if (p.Verdict != Verdict.Attack || campaignOf.ContainsKey(p)) continue;
            var finding = FromSingleAccount(engine, p, options);
            campaigns.Add(finding);
            campaignOf[p] = finding.CampaignId;
        }
        campaigns.Sort(static (a, b) => b.RiskScore != a.RiskScore ? b.RiskScore.CompareTo(a.RiskScore) : string.CompareOrdinal(a.CampaignId, b.CampaignId));

        var accounts = new List<AccountFinding>();
        foreach (var p in engine.Accounts)
        {
            if (p.Verdict == Verdict.Benign && !options.IncludeBenign) continue;
            accounts.Add(AccountFindingOf(engine, p, campaignOf.GetValueOrDefault(p)));
        }
        accounts.Sort(static (a, b) => b.RiskScore != a.RiskScore ? b.RiskScore.CompareTo(a.RiskScore) : string.CompareOrdinal(a.AccountId, b.AccountId));

        return new FindingsDocument
        {
            GeneratedAt = options.GeneratedAt ?? DateTimeOffset.UtcNow,
            Input = input with
            {
                Accounts = engine.AccountCount,
                FirstExchange = engine.ExchangeCount > 0 ? Time(engine.StreamStartMs) : null,
                LastExchange = engine.ExchangeCount > 0 ? Time(engine.StreamClockMs) : null,
            },
            Summary = new FindingsSummary
            {
                AccountsAttack = engine.Accounts.Count(a => a.Verdict == Verdict.Attack),
                AccountsSuspicious = engine.Accounts.Count(a => a.Verdict == Verdict.Suspicious),
                CampaignsAttack = campaigns.Count(c => c.Verdict == "attack"),
                CampaignsSuspicious = campaigns.Count(c => c.Verdict == "suspicious"),
            },
            Campaigns = campaigns,
            Accounts = accounts,
        };
    }

    /// <summary>
    /// The finding of one account as it stands (for hosts that look up accounts live, such as the gateway's admin API);
    /// its campaign id is that of the community it belongs to, if any.
    /// </summary>
    public static AccountFinding ForAccount(DetectionEngine engine, AccountProfile p)
    {
        string? campaignId = engine.CampaignOf(p) is { } c ? CampaignId(c.Members.Concat(c.Associates).Select(m => m.AccountId)) : null;
        return AccountFindingOf(engine, p, campaignId);
    }

    /// <summary>Stable campaign id for a set of members: <c>cmp-</c> and 10 hex digits of the hash of the smallest member id.</summary>
    public static string CampaignId(IEnumerable<string> memberIds)
    {
        var min = memberIds.Min(StringComparer.Ordinal) ?? "";
        return "cmp-" + (Hash64.Of(min) & 0xFF_FFFF_FFFFUL).ToString("x10");
    }

    /// <summary>A short description of what a campaign harvests, from its strongest signals.</summary>
    public static string LabelOf(IReadOnlyList<float> strengths)
    {
        var ranked = SignalKinds.All.Where(k => k.IsExtraction() && strengths[(int)k] >= 0.2f)
            .OrderByDescending(k => strengths[(int)k]).Take(2).Select(Describe).ToList();
        return ranked.Count == 0 ? "Unclassified activity" : string.Join(" + ", ranked);
    }

    private static string Describe(SignalKind k) => k switch
    {
        SignalKind.CotElicitation => "Reasoning-trace harvest",
        SignalKind.SyntheticData => "Synthetic-data generation",
        SignalKind.JudgePrompt => "Judge/reward harvest",
        SignalKind.ToolTraceHarvest => "Tool-use trace harvest",
        SignalKind.LogprobHarvest => "Logprob harvest",
        SignalKind.ReasoningReplay => "Reasoning replay",
        SignalKind.ClassifierEvasion => "Classifier evasion",
        _ => "Dataset sweep",
    };

    private static CampaignFinding FromCommunity(DetectionEngine engine, Campaign c, FindingsOptions options)
    {
        var ids = c.Members.Concat(c.Associates).Select(m => m.AccountId).Distinct().Order(StringComparer.Ordinal).ToList();
        return new CampaignFinding
        {
            CampaignId = CampaignId(ids),
            Label = LabelOf(c.Strengths),
            RiskScore = Score(c.Risk),
            Verdict = c.Verdict.Name(),
            AccountIds = ids,
            AccountCount = ids.Count,
            ExchangeCount = c.Exchanges + c.Associates.Sum(a => (long)a.Exchanges),
            FirstSeen = Time(c.FirstSeenMs),
            LastSeen = Time(c.LastSeenMs),
            Techniques = Techniques(c.Verdict, c.Strengths, c.ProxyShare, c.FarmShare, c.Members.Count, c.Coordination.SharedPayment > 0),
            SubScores = new SubScores
            {
                Content = Score(100 * c.Content), Behaviour = Score(100 * c.Behaviour),
                Coordination = Score(100 * c.Coordination.Score), Infrastructure = Score(100 * c.Infrastructure),
            },
            Reasons = ReasonDetails.ForCampaign(c),
            Indicators = c.SharedIndicators.Take(options.CampaignIndicators).Select(s => IndicatorOf(engine, s.Key, s.Accounts)).ToList(),
            Examples = Examples(c.Members, options.CampaignExamples),
            Timeline = Timeline(c.Members),
        };
    }

    private static CampaignFinding FromSingleAccount(DetectionEngine engine, AccountProfile p, FindingsOptions options)
    {
        var a = engine.Assess(p);
        var keys = new List<ulong>();
        CampaignGraph.KeysOf(p, keys);
        var verdict = p.Verdict;
        return new CampaignFinding
        {
            CampaignId = CampaignId([p.AccountId]),
            Label = LabelOf(a.Strengths),
            RiskScore = Score(p.Risk),
            Verdict = verdict.Name(),
            AccountIds = [p.AccountId],
            AccountCount = 1,
            ExchangeCount = p.Exchanges,
            FirstSeen = Time(p.FirstSeenMs),
            LastSeen = Time(p.LastSeenMs),
            Techniques = Techniques(verdict, a.Strengths, a.Infrastructure.IpRotation >= 0.5f ? 1f : 0f, 0f, 1, false),
            SubScores = new SubScores
            {
                Content = Score(100 * a.Content), Behaviour = Score(100 * a.Behaviour.Score),
                Coordination = 0, Infrastructure = Score(100 * a.Infrastructure.Score),
            },
            Reasons = ReasonDetails.ForAccount(p, a),
            Indicators = keys.Where(k => !IndicatorKey.IsTemplate(k) || engine.Indicators.TryGetPosting(k, out _))
                .Select(k => IndicatorOf(engine, k, 1)).Take(options.CampaignIndicators).ToList(),
            Examples = Examples([p], options.CampaignExamples),
            Timeline = Timeline([p]),
        };
    }

    private static AccountFinding AccountFindingOf(DetectionEngine engine, AccountProfile p, string? campaignId)
    {
        var a = engine.Assess(p);
        var reasons = ReasonDetails.ForAccount(p, a);
        var campaign = engine.CampaignOf(p);
        int coordination = 0;
        if (campaign is not null && campaignId is not null && !p.Candidate)
        {
            coordination = Score(100 * campaign.Coordination.Score);
            reasons.Insert(0, new ReasonFinding
            {
                Code = ReasonCodes.CampaignMember,
                Score = Score(p.Risk),
                Detail = $"shares a payment method with members of attack campaign {campaignId} (campaign risk {Score(campaign.Risk)}); no extraction content of its own",
            });
        }
        else if (campaign is not null && campaignId is not null)
        {
            coordination = Score(100 * campaign.Coordination.Score * MathF.Min(1f, 0.5f + p.LinkStrength));
            if (p.Risk > p.OwnRisk + 0.5f)
                reasons.Insert(0, new ReasonFinding
                {
                    Code = ReasonCodes.CampaignMember,
                    Score = Score(p.Risk),
                    Detail = $"member of {campaignId} ({campaign.Members.Count:N0} accounts, campaign risk {Score(campaign.Risk)}); own risk {Score(p.OwnRisk)}",
                });
        }
        return new AccountFinding
        {
            AccountId = p.AccountId,
            RiskScore = Score(p.Risk),
            Verdict = p.Verdict.Name(),
            CampaignId = campaignId,
            SubScores = new SubScores
            {
                Content = Score(100 * a.Content), Behaviour = Score(100 * a.Behaviour.Score),
                Coordination = coordination, Infrastructure = Score(100 * a.Infrastructure.Score),
            },
            Reasons = reasons,
            FirstFlaggedAt = p.FirstFlaggedAtMs > 0 ? Time(p.FirstFlaggedAtMs) : null,
            FirstSuspiciousAt = p.FirstSuspiciousAtMs > 0 ? Time(p.FirstSuspiciousAtMs) : null,
            ExchangeCount = p.Exchanges,
            FirstSeen = p.Exchanges > 0 ? Time(p.FirstSeenMs) : null,
            LastSeen = p.Exchanges > 0 ? Time(p.LastSeenMs) : null,
            Examples = Examples([p], Evidence.MaxExamples),
        };
    }

    private static List<TechniqueFinding> Techniques(Verdict verdict, IReadOnlyList<float> strengths, float proxyShare, float farmShare, int members, bool sharedPayment)
    {
        var t = new List<TechniqueFinding>();
        if (verdict == Verdict.Attack) t.Add(AtlasTechniques.ExtractModel);
        if (verdict == Verdict.Attack && TrainingShaped.Any(k => strengths[(int)k] >= 0.2f)) t.Add(AtlasTechniques.TrainProxyViaReplication);
        t.Add(AtlasTechniques.InferenceApiAccess);
        if (proxyShare >= 0.3f) t.Add(AtlasTechniques.ServiceProxies);
        if ((members >= 5 && farmShare >= 0.3f) || (members >= 2 && sharedPayment)) t.Add(AtlasTechniques.EstablishAccounts);
        return t;
    }

    /// <summary>Harvests shaped as training data for a replica model (not a plain dataset sweep).</summary>
    private static readonly SignalKind[] TrainingShaped =
    [
        SignalKind.CotElicitation, SignalKind.SyntheticData, SignalKind.JudgePrompt, SignalKind.LogprobHarvest,
        SignalKind.ToolTraceHarvest, SignalKind.ReasoningReplay,
    ];

    private static IndicatorFinding IndicatorOf(DetectionEngine engine, ulong key, int accounts)
    {
        var kind = IndicatorKey.KindOf(key);
        string? display = engine.Indicators.TryGetPosting(key, out var posting) ? posting.Display : null;
        string name = KindName(kind);
        return new IndicatorFinding
        {
            Kind = name,
            Value = display ?? $"{name}:{IndicatorKey.Hex(key)}",
            Hash = $"{name}:{IndicatorKey.Hex(key)}",
            Accounts = accounts,
        };
    }

    /// <summary>The findings name of an indicator kind.</summary>
    public static string KindName(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Ip => "ip",
        IndicatorKind.Network => "network",
        IndicatorKind.UserAgent => "user_agent",
        IndicatorKind.Payment => "payment",
        IndicatorKind.EmailDomain => "email_domain",
        IndicatorKind.CreationBurst => "creation_burst",
        IndicatorKind.SystemTemplate => "system_template",
        IndicatorKind.ToolSet => "tool_set",
        IndicatorKind.PromptTemplate => "prompt_template",
        _ => "unknown",
    };

    private static List<ExampleFinding> Examples(IEnumerable<AccountProfile> members, int max)
    {
        var all = members.Where(m => m.Evidence is not null)
            .SelectMany(m => m.Evidence!.Examples.Select(e => (m.AccountId, e)))
            .OrderByDescending(x => x.e.Score).ThenBy(x => x.e.ExchangeId, StringComparer.Ordinal).ToList();
        // A spread of signals first, then the strongest of the rest.
        var picked = new List<(string, EvidenceExample)>();
        var signals = new HashSet<SignalKind>();
        foreach (var x in all) if (picked.Count < max && signals.Add(x.e.Signal)) picked.Add(x);
        foreach (var x in all) if (picked.Count < max && !picked.Contains(x)) picked.Add(x);
        return picked.Select(x => new ExampleFinding
        {
            ExchangeId = x.Item2.ExchangeId,
            AccountId = x.Item1,
            Timestamp = Time(x.Item2.TimestampMs),
            Reason = x.Item2.Signal.Code(),
            Score = Score(100 * x.Item2.Score),
            Excerpt = x.Item2.Excerpt,
        }).ToList();
    }

    private static List<TimelinePoint> Timeline(IEnumerable<AccountProfile> members)
    {
        var hours = new SortedDictionary<int, int>();
        foreach (var m in members)
        {
            if (m.Evidence is null) continue;
            foreach (var (h, n) in m.Evidence.Hourly.Cells()) hours[h] = hours.TryGetValue(h, out var c) ? c + n : n;
        }
        return hours.Select(kv => new TimelinePoint { Hour = Time(kv.Key * 3_600_000L), Exchanges = kv.Value }).ToList();
    }

    private static int Score(float v) => (int)MathF.Round(Math.Clamp(v, 0f, 100f));

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
