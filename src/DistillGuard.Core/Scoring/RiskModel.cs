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
/// <item>A member's lifted risk = campaign risk · min(1, 0.5 + link strength) · min(1, 0.4 + 2·C_own): thin accounts
/// of a campaign are caught through it, but an account with no extraction content of its own is never lifted past
/// <c>suspicious</c>.</item>
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
        a.Decisive = p.Hits[(int)SignalKind.ClassifierEvasion] >= 2 || p.Hits[(int)SignalKind.ReasoningReplay] >= 2;
        float risk = 100f * MathF.Min(1f, a.Content * (0.62f + 0.28f * a.Behaviour.Score + 0.2f * a.Infrastructure.Score));
        if (a.Decisive) risk = MathF.Max(risk, DecisiveFloor);
        a.OwnRisk = risk;
        return a;
    }

    /// <summary>Campaign risk 0–100 from pooled content, mean behaviour, coordination and infrastructure (each 0–1).</summary>
    public static float CampaignRisk(float content, float behaviour, float coordination, float infrastructure) =>
        100f * MathF.Min(1f, content * (0.62f + 0.15f * behaviour + 0.3f * coordination + 0.1f * infrastructure));

    /// <summary>Risk a campaign lends a member, 0–100.</summary>
    /// <param name="campaignRisk">The campaign's risk, 0–100.</param>
    /// <param name="linkStrength">Sum of the member's edge weights to other members.</param>
    /// <param name="ownContent">The member's own content sub-score, 0–1.</param>
    public static float Lift(float campaignRisk, float linkStrength, float ownContent) =>
        campaignRisk * MathF.Min(1f, 0.5f + linkStrength) * MathF.Min(1f, 0.4f + 2f * ownContent);

    /// <summary>The verdict for a risk score.</summary>
    public Verdict VerdictOf(float risk) =>
        risk >= Options.AttackThreshold ? Verdict.Attack : risk >= Options.SuspiciousThreshold ? Verdict.Suspicious : Verdict.Benign;
}
