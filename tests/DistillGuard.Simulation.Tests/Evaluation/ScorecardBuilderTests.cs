using DistillGuard.Core.Findings;
using DistillGuard.Simulation.Evaluation;

namespace DistillGuard.Simulation.Tests.Evaluation;

public class ScorecardBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static AccountFinding Finding(string id, string verdict, string? campaign, double flaggedMinutes = 0) => new()
    {
        AccountId = id, Verdict = verdict, CampaignId = campaign,
        FirstFlaggedAt = verdict == "attack" ? T0.AddMinutes(flaggedMinutes) : null,
        FirstSuspiciousAt = verdict is "attack" or "suspicious" ? T0.AddMinutes(flaggedMinutes) : null,
    };

    [Fact]
    public void Metrics_purity_and_delay_match_hand_counts()
    {
        var labels = new List<LabelRecord>
        {
            new("a1", "attack", "farm", "c1"), new("a2", "attack", "farm", "c1"), new("a3", "attack", "farm", "c1"), new("a4", "attack", "farm", "c1"),
            new("s1", "attack", "solo", "c2"),
            new("b1", "benign", "chat", null), new("b2", "benign", "chat", null), new("b3", "benign", "chat", null), new("b4", "benign", "chat", null),
        };
        var findings = new FindingsDocument
        {
            Accounts =
            [
                Finding("a1", "attack", "cmp-x", 30), Finding("a2", "attack", "cmp-x", 10), Finding("a3", "attack", "cmp-y", 50),
                Finding("a4", "suspicious", null, 5), Finding("b1", "attack", "cmp-z"), Finding("b2", "suspicious", null),
            ],
        };
        // c1: 10 exchanges at minutes 0..90; the earliest flag is minute 10, so exchanges at 0 (one) came before it.
        var traffic = new TrafficCounts();
        traffic.Times["a1"] = Enumerable.Range(0, 10).Select(i => T0.AddMinutes(i * 10).ToUnixTimeMilliseconds()).ToList();
        foreach (var b in new[] { "b1", "b2", "b3", "b4" }) traffic.PerAccount[b] = b == "b1" ? 500 : 10;
        traffic.PerAccount["a1"] = 10;

        var card = ScorecardBuilder.Build(labels, findings, traffic, new ScorecardInputs { Labels = "l", Findings = "f" }, new ScorecardThresholds());

        Assert.Equal((3, 1, 2), (card.AtAttack.TruePositives, card.AtAttack.FalsePositives, card.AtAttack.FalseNegatives));
        Assert.Equal(0.75, card.AtAttack.Precision, 6);
        Assert.Equal(0.6, card.AtAttack.Recall, 6);
        Assert.Equal(2 * 0.75 * 0.6 / 1.35, card.AtAttack.F1, 6);
        Assert.Equal(0.25, card.AtAttack.BenignFpr, 6);
        Assert.Equal((4, 2), (card.AtSuspicious.TruePositives, card.AtSuspicious.FalsePositives));
        // Heavy users: the 90th percentile of benign counts, at least 100 exchanges: only b1 (500), which is flagged.
        Assert.Equal(1, card.Accounts.BenignHeavy);
        Assert.Equal(1.0, card.AtAttack.BenignHeavyFpr);

        var c1 = card.Campaigns.Single(c => c.Campaign == "c1");
        Assert.Equal(0.75, c1.Recall, 6);
        Assert.Equal(1.0, c1.RecallSuspicious, 6);
        Assert.Equal(2.0 / 3, c1.Purity, 6);      // two of its three flagged accounts share cmp-x
        Assert.Equal(2, c1.PredictedCampaigns);
        Assert.Equal(0.1, c1.DelayShare!.Value, 6);  // 1 of 10 exchanges before minute 10
        var c2 = card.Campaigns.Single(c => c.Campaign == "c2");
        Assert.Equal(0, c2.Recall);

        Assert.False(card.Checks.Passed);
        Assert.Contains(card.Checks.Failures, f => f.Contains("c2 missed"));
        Assert.Contains(card.Checks.Failures, f => f.StartsWith("account recall"));
        Assert.Contains(card.Checks.Failures, f => f.StartsWith("benign false-positive"));
    }
}
