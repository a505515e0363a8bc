using DistillGuard.Core.Findings;

namespace DistillGuard.Simulation.Evaluation;

/// <summary>Thresholds checked by <see cref="ScorecardBuilder"/>.</summary>
/// <param name="MinRecall">Required account recall at attack (default 0.95).</param>
/// <param name="MaxBenignFpr">Largest benign false-positive rate at attack (default 0.005).</param>
/// <param name="EveryCampaign">Require at least one attack-flagged account in every campaign.</param>
public sealed record ScorecardThresholds(double MinRecall = 0.95, double MaxBenignFpr = 0.005, bool EveryCampaign = true);

/// <summary>Scores findings against labels (and traffic, for detection delay and heavy users).</summary>
public static class ScorecardBuilder
{
    /// <summary>Builds the scorecard.</summary>
    /// <param name="labels">Ground truth.</param>
    /// <param name="findings">The scan's findings (accounts absent from it are benign).</param>
    /// <param name="traffic">Traffic counts, or null.</param>
    /// <param name="inputs">File names for the record.</param>
    /// <param name="thresholds">Checks.</param>
    public static Scorecard Build(IReadOnlyList<LabelRecord> labels, FindingsDocument findings, TrafficCounts? traffic,
        ScorecardInputs inputs, ScorecardThresholds thresholds)
    {
        var verdicts = findings.Accounts.ToDictionary(a => a.AccountId, StringComparer.Ordinal);
        bool Attack(string id) => verdicts.TryGetValue(id, out var f) && f.Verdict == "attack";
        bool Suspicious(string id) => verdicts.TryGetValue(id, out var f) && f.Verdict is "attack" or "suspicious";

        var benign = labels.Where(l => !l.IsAttack).ToList();
        int? heavyThreshold = null;
        List<LabelRecord>? heavy = null;
        if (traffic is not null)
        {
            var counts = benign.Select(b => traffic.PerAccount.GetValueOrDefault(b.AccountId)).Order().ToList();
            heavyThreshold = Math.Max(100, counts.Count == 0 ? 100 : counts[(int)Math.Min(counts.Count - 1, Math.Floor(counts.Count * 0.9))]);
            heavy = benign.Where(b => traffic.PerAccount.GetValueOrDefault(b.AccountId) >= heavyThreshold).ToList();
        }

        var personas = labels.GroupBy(l => l.Persona).Select(g =>
        {
            int n = g.Count(), a = g.Count(l => Attack(l.AccountId)), s = g.Count(l => Suspicious(l.AccountId));
            return new PersonaRates { Persona = g.Key, Label = g.First().Label, Accounts = n, Attack = a, SuspiciousOrAttack = s, AttackRate = Ratio(a, n), SuspiciousRate = Ratio(s, n) };
        }).OrderBy(p => p.Label).ThenBy(p => p.Persona, StringComparer.Ordinal).ToList();

        var campaigns = labels.Where(l => l.IsAttack).GroupBy(l => l.Campaign ?? l.Persona).Select(g => Campaign(g.Key, g.ToList(), verdicts, traffic))
            .OrderBy(c => c.Campaign, StringComparer.Ordinal).ToList();

        var atAttack = MetricsOf(labels, Attack, heavy);
        var atSuspicious = MetricsOf(labels, Suspicious, heavy);
        var failures = new List<string>();
        if (atAttack.Recall < thresholds.MinRecall) failures.Add($"account recall {atAttack.Recall:F4} < {thresholds.MinRecall}");
        if (atAttack.BenignFpr > thresholds.MaxBenignFpr) failures.Add($"benign false-positive rate {atAttack.BenignFpr:F4} > {thresholds.MaxBenignFpr}");
        if (thresholds.EveryCampaign)
            foreach (var c in campaigns.Where(c => c.Recall == 0)) failures.Add($"campaign {c.Campaign} missed (no account flagged attack)");

        return new Scorecard
        {
            Inputs = inputs with { Exchanges = traffic?.PerAccount.Values.Sum(v => (long)v) },
            Accounts = new AccountCounts
            {
                Total = labels.Count, Attack = labels.Count(l => l.IsAttack), Benign = benign.Count,
                BenignHeavy = heavy?.Count, HeavyThreshold = heavyThreshold,
            },
            AtAttack = atAttack,
            AtSuspicious = atSuspicious,
            Personas = personas,
            Campaigns = campaigns,
            Checks = new Checks
            {
                MinRecall = thresholds.MinRecall, MaxBenignFpr = thresholds.MaxBenignFpr, EveryCampaign = thresholds.EveryCampaign,
                Passed = failures.Count == 0, Failures = failures,
            },
        };
    }

    private static CampaignScore Campaign(string name, List<LabelRecord> members, Dictionary<string, AccountFinding> verdicts, TrafficCounts? traffic)
    {
        var flagged = members.Where(m => verdicts.TryGetValue(m.AccountId, out var f) && f.Verdict == "attack").Select(m => verdicts[m.AccountId]).ToList();
        int suspicious = members.Count(m => verdicts.TryGetValue(m.AccountId, out var f) && f.Verdict is "attack" or "suspicious");
        var groups = flagged.GroupBy(f => f.CampaignId ?? "(none)").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var firstFlag = flagged.Where(f => f.FirstFlaggedAt is not null).Select(f => f.FirstFlaggedAt!.Value).DefaultIfEmpty().Min();
        var firstSuspicious = members.Select(m => verdicts.GetValueOrDefault(m.AccountId)?.FirstSuspiciousAt).Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty().Min();
        double? delay = null, delaySuspicious = null;
        long? exchanges = null;
        if (traffic is not null)
        {
            var times = members.SelectMany(m => traffic.Times.GetValueOrDefault(m.AccountId) ?? []).ToList();
            exchanges = times.Count;
            delay = Before(times, flagged.Count == 0 ? null : firstFlag);
            delaySuspicious = Before(times, suspicious == 0 ? null : firstSuspicious);
        }
        return new CampaignScore
        {
            Campaign = name,
            Accounts = members.Count,
            Recall = Ratio(flagged.Count, members.Count),
            RecallSuspicious = Ratio(suspicious, members.Count),
            Purity = flagged.Count == 0 ? 0 : Ratio(groups[0].Count(), flagged.Count),
            PredictedCampaigns = groups.Count,
            MainPredictedCampaign = groups.Count == 0 ? null : groups[0].Key,
            FirstFlaggedAt = flagged.Count == 0 ? null : firstFlag,
            DelayShare = delay,
            FirstSuspiciousAt = suspicious == 0 ? null : firstSuspicious,
            DelayShareSuspicious = delaySuspicious,
            Exchanges = exchanges,
        };
    }

    private static double Before(List<long> times, DateTimeOffset? flaggedAt)
    {
        if (times.Count == 0) return 0;
        if (flaggedAt is null) return 1;
        long t = flaggedAt.Value.ToUnixTimeMilliseconds();
        return Ratio(times.Count(x => x < t), times.Count);
    }

    private static Metrics MetricsOf(IReadOnlyList<LabelRecord> labels, Func<string, bool> flagged, List<LabelRecord>? heavy)
    {
        int tp = 0, fp = 0, fn = 0, benign = 0;
        foreach (var l in labels)
        {
            bool f = flagged(l.AccountId);
            if (l.IsAttack) { if (f) tp++; else fn++; }
            else { benign++; if (f) fp++; }
        }
        double precision = Ratio(tp, tp + fp), recall = Ratio(tp, tp + fn);
        return new Metrics
        {
            TruePositives = tp, FalsePositives = fp, FalseNegatives = fn,
            Precision = precision, Recall = recall,
            F1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            BenignFpr = Ratio(fp, benign),
            BenignHeavyFpr = heavy is null ? null : Ratio(heavy.Count(h => flagged(h.AccountId)), heavy.Count),
        };
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
}
