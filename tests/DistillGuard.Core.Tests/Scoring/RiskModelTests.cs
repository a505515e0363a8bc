using DistillGuard.Core.Engine;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Tests.Scoring;

public class RiskModelTests
{
    private static readonly RiskModel Model = new(ScoringOptions.Default, DisposableDomains.BuiltIn);

    private static AccountProfile Profile(int exchanges, SignalKind kind, int hits, string? tier = null, bool? verified = null)
    {
        var p = new AccountProfile("a", 0) { Exchanges = exchanges, FirstSeenMs = 0, LastSeenMs = 3_600_000L * 24 * 10 };
        p.Hits[(int)kind] = hits;
        if (tier is not null) p.Metadata = new AccountMetadata("a", Tier: tier, Verified: verified);
        return p;
    }

    [Fact]
    public void One_stray_hit_is_weak_and_a_consistent_rate_is_strong()
    {
        Span<float> strengths = stackalloc float[SignalKinds.Count];
        var hits = new int[SignalKinds.Count];
        hits[(int)SignalKind.CotElicitation] = 1;
        float stray = ContentScorer.Score(200, hits, strengths);
        hits[(int)SignalKind.CotElicitation] = 120;
        float harvest = ContentScorer.Score(200, hits, strengths);
        Assert.True(stray < 0.05f, $"stray {stray}");
        Assert.True(harvest > 0.95f, $"harvest {harvest}");
        // Noisy-OR: adding a second signal never lowers content.
        hits[(int)SignalKind.JudgePrompt] = 50;
        Assert.True(ContentScorer.Score(200, hits, strengths) >= harvest);
    }

    [Fact]
    public void Dataset_sweep_alone_stays_benign()
    {
        var p = Profile(500, SignalKind.DatasetSweep, 500);
        var a = Model.Assess(p, new IndicatorIndex());
        Assert.True(a.Content <= 0.3f);
        Assert.Equal(Verdict.Benign, Model.VerdictOf(a.OwnRisk));
    }

    [Fact]
    public void Behaviour_without_content_scores_nothing()
    {
        var p = Profile(5000, SignalKind.CotElicitation, 0);
        for (int h = 0; h < 24; h++) p.Hours[h] = 200; // round the clock
        p.SingleTurn = 5000;
        p.TemplateReuse = 5000;
        Assert.Equal(0f, Model.Assess(p, new IndicatorIndex()).OwnRisk);
    }

    [Fact]
    public void Repeated_classifier_evasion_is_decisive()
    {
        var p = Profile(40, SignalKind.ClassifierEvasion, 6);
        Assert.True(Model.Assess(p, new IndicatorIndex()).OwnRisk >= RiskModel.DecisiveFloor);
        var once = Profile(400, SignalKind.ClassifierEvasion, 3); // 3 of 400: below the 5% rate
        Assert.True(Model.Assess(once, new IndicatorIndex()).OwnRisk < RiskModel.DecisiveFloor);
    }

    [Fact]
    public void Trusted_tier_accounts_are_capped_at_suspicious_on_their_own_evidence()
    {
        var p = Profile(800, SignalKind.CotElicitation, 800, tier: "enterprise", verified: true);
        for (int h = 0; h < 24; h++) p.Hours[h] = 30;
        var a = Model.Assess(p, new IndicatorIndex());
        Assert.Equal(Verdict.Suspicious, Model.VerdictOf(a.OwnRisk));
        var unverified = Profile(800, SignalKind.CotElicitation, 800, tier: "enterprise", verified: false);
        for (int h = 0; h < 24; h++) unverified.Hours[h] = 30;
        Assert.True(Model.Assess(unverified, new IndicatorIndex()).OwnRisk > a.OwnRisk);
    }

    [Fact]
    public void A_shared_playbook_alone_cannot_lift_to_attack()
    {
        // Linked only by templates (no shared infrastructure), with no content of its own.
        float lifted = RiskModel.Lift(campaignRisk: 100, templateTie: 10, infrastructureTie: 0, ownContent: 0);
        Assert.True(lifted < ScoringOptions.Default.AttackThreshold, $"{lifted}");
        // Tied by a shared card and proxy exits, with little content of its own: lifted.
        Assert.True(RiskModel.Lift(100, 2, 2, 0.1f) >= ScoringOptions.Default.AttackThreshold);
    }

    [Theory]
    [InlineData(69.9f, Verdict.Suspicious)]
    [InlineData(70f, Verdict.Attack)]
    [InlineData(39.9f, Verdict.Benign)]
    public void Verdict_thresholds(float risk, Verdict verdict) => Assert.Equal(verdict, Model.VerdictOf(risk));
}
