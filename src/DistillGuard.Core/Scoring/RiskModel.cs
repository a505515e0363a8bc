using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Scoring;

/// <summary>
/// Combines sub-scores into risk scores 0–100 (higher = riskier) and verdicts.
/// <list type="bullet">
/// <item>Own risk = 100 · min(1, C · (0.62 + 0.28·B + 0.2·I)) for content C, behaviour B and infrastructure I (all 0–1):
/// content is necessary, behaviour and infrastructure amplify it. Repeated classifier evasion or reasoning replay
/// (decisive signals, no benign explanation) floors it at 75.</item>
/// <item>Campaign risk = 100 · min(1, Cc · (0.62 + 0.15·Bc + 0.3·K + 0.1·Ic)) over the campaign's pooled exchanges,
/// with coordination K.</item>
/// <item>A member's lifted risk = campaign risk · membership · gate, both growing with shared infrastructure and the
/// gate with own content (see <see cref="Lift"/>): thin accounts of a campaign are caught through it, but an account with no
/// extraction content of its own, or linked only by a shared playbook, is never lifted past <c>suspicious</c>.</item>
/// <item>Verified accounts on a trusted tier are capped at <c>suspicious</c> on their own evidence (see <see cref="IsTrusted"/>).</item>
/// </list>
/// </summary>
public sealed class RiskModel
{
    /// <summary>Risk floor when a decisive signal fired at least twice.</summary>
    public const float DecisiveFloor = 75f;

    private readonly IReadOnlySet<string> _disposable;

    /// <summary>Creates the model.</summary>
    public RiskModel(ScoringOptions options, IReadOnlySet<string> disposableDomains)
    {
        Options = options;
        _disposable = disposableDomains;
    }

    /// <summary>Thresholds in use.</summary>
    public ScoringOptions Options { get; }

    /// <summary>Known disposable e-mail domains.</summary>
    public IReadOnlySet<string> DisposableDomains => _disposable;

    /// <summary>Assesses an account on its own evidence.</summary>
    public AccountAssessment Assess(AccountProfile p, IndicatorIndex index, AccountAssessment? reuse = null)
    {
        var a = reuse ?? new AccountAssessment();
        Span<int> hits = stackalloc int[SignalKinds.Count];
        for (int i = 0; i < SignalKinds.Count; i++) hits[i] = p.Hits[i];
        a.Content = ContentScorer.Score(p.Exchanges, hits, a.Strengths);
        a.Behaviour = BehaviourScorer.Assess(p);
        a.Infrastructure = InfrastructureScorer.Assess(p, index, _disposable);
        a.Decisive = IsDecisive(p, SignalKind.ClassifierEvasion, 3) || IsDecisive(p, SignalKind.ReasoningReplay, 2);
        float risk = 100f * MathF.Min(1f, a.Content * (0.62f + 0.28f * a.Behaviour.Score + 0.2f * a.Infrastructure.Score));
        if (a.Decisive) risk = MathF.Max(risk, DecisiveFloor);
        else if (IsTrusted(p)) risk = MathF.Min(risk, Options.AttackThreshold - 1f);
        a.OwnRisk = risk;
        return a;
    }

    /// <summary>
    /// Whether an account is on a trusted tier (contracted, verified customers, <see cref="ScoringOptions.TrustedTiers"/>):
    /// its own evidence can make it <c>suspicious</c> for review but not <c>attack</c>; decisive signals and campaign
    /// membership through shared infrastructure still apply.
    /// </summary>
    public bool IsTrusted(AccountProfile p) =>
        p.Metadata is { Verified: true, Tier: { } tier } && Options.TrustedTiers.Contains(tier, StringComparer.OrdinalIgnoreCase);

    private static bool IsDecisive(AccountProfile p, SignalKind kind, int minHits) =>
        p.Hits[(int)kind] >= minHits && p.Hits[(int)kind] >= 0.05 * p.Exchanges;

    /// <summary>Campaign risk 0–100 from pooled content, mean behaviour, coordination and infrastructure (each 0–1).</summary>
    public static float CampaignRisk(float content, float behaviour, float coordination, float infrastructure) =>
        100f * MathF.Min(1f, content * (0.62f + 0.15f * behaviour + 0.3f * coordination + 0.1f * infrastructure));

    /// <summary>
    /// Risk a campaign lends a member, 0–100: campaign risk × membership × gate. The gate
    /// min(1, 0.4 + 2·own content + 0.4·min(1, infrastructure tie)) keeps accounts with neither extraction content nor
    /// operator ties to the campaign below attack. Membership
    /// min(1, 0.4 + 1.2·min(1, infrastructure tie) + 0.25·min(1, template tie)) grows mostly with shared network and
    /// registry indicators (evidence of one operator); a shared playbook alone (templates) reaches at most 0.65, so it
    /// cannot lift an account to attack. Ties are the strongest single edge to a member, not sums.
    /// </summary>
    /// <param name="campaignRisk">The campaign's risk, 0–100.</param>
    /// <param name="templateTie">The member's strongest template tie to another member.</param>
    /// <param name="infrastructureTie">The member's strongest infrastructure tie to another member.</param>
    /// <param name="ownContent">The member's own content sub-score, 0–1.</param>
    public static float Lift(float campaignRisk, float templateTie, float infrastructureTie, float ownContent) =>
        campaignRisk * MathF.Min(1f, 0.4f + 1.2f * MathF.Min(1f, infrastructureTie) + 0.25f * MathF.Min(1f, templateTie))
        * MathF.Min(1f, 0.4f + 2f * ownContent + 0.4f * MathF.Min(1f, infrastructureTie));

    /// <summary>The verdict for a risk score.</summary>
    public Verdict VerdictOf(float risk) =>
        risk >= Options.AttackThreshold ? Verdict.Attack : risk >= Options.SuspiciousThreshold ? Verdict.Suspicious : Verdict.Benign;
}
