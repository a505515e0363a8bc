using System.Globalization;
using System.Text;

namespace DistillGuard.Simulation.Evaluation;

/// <summary>Renders a scorecard as Markdown (scorecard.md).</summary>
public static class ScorecardMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The Markdown text.</summary>
    public static string Render(Scorecard s, string? title = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# {title ?? "DistillGuard scorecard"}").AppendLine();
        sb.AppendLine($"Labels `{s.Inputs.Labels}` · findings `{s.Inputs.Findings}`" + (s.Inputs.Traffic is null ? "" : $" · traffic `{s.Inputs.Traffic}` ({s.Inputs.Exchanges:N0} exchanges)"));
        sb.AppendLine().AppendLine($"Accounts: {s.Accounts.Total:N0} ({s.Accounts.Attack:N0} attack, {s.Accounts.Benign:N0} benign" +
            (s.Accounts.BenignHeavy is int h ? $", of which {h:N0} heavy users with ≥ {s.Accounts.HeavyThreshold:N0} exchanges" : "") + ").").AppendLine();
        sb.AppendLine("## Account level").AppendLine();
        sb.AppendLine("| Positive prediction | Precision | Recall | F1 | TP | FP | FN | Benign FPR | Heavy-user FPR |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Row(sb, "attack", s.AtAttack);
        Row(sb, "suspicious or attack", s.AtSuspicious);
        sb.AppendLine().AppendLine("## Campaigns").AppendLine();
        sb.AppendLine("| Campaign | Accounts | Recall | Recall (suspicious) | Purity | Predicted campaigns | Delay (share served before flag) | Delay (suspicious) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in s.Campaigns)
            sb.AppendLine($"| {c.Campaign} | {c.Accounts:N0} | {P(c.Recall)} | {P(c.RecallSuspicious)} | {P(c.Purity)} | {c.PredictedCampaigns} | {Opt(c.DelayShare)} | {Opt(c.DelayShareSuspicious)} |");
        sb.AppendLine().AppendLine("## Personas").AppendLine();
        sb.AppendLine("| Persona | Label | Accounts | Attack | Attack rate | Suspicious or attack | Rate |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var p in s.Personas)
            sb.AppendLine($"| {p.Persona} | {p.Label} | {p.Accounts:N0} | {p.Attack:N0} | {P(p.AttackRate)} | {p.SuspiciousOrAttack:N0} | {P(p.SuspiciousRate)} |");
        sb.AppendLine().AppendLine("## Checks").AppendLine();
        sb.AppendLine($"Account recall ≥ {s.Checks.MinRecall.ToString(Inv)}, benign FPR ≤ {s.Checks.MaxBenignFpr.ToString(Inv)}" + (s.Checks.EveryCampaign ? ", every campaign found" : "") + ": " +
            (s.Checks.Passed ? "**passed**" : "**failed**"));
        foreach (var f in s.Checks.Failures) sb.AppendLine($"- {f}");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, Metrics m) =>
        sb.AppendLine($"| {name} | {F(m.Precision)} | {F(m.Recall)} | {F(m.F1)} | {m.TruePositives:N0} | {m.FalsePositives:N0} | {m.FalseNegatives:N0} | {F(m.BenignFpr)} | {Opt(m.BenignHeavyFpr, F)} |");

    private static string F(double v) => v.ToString("F4", Inv);
    private static string P(double v) => v.ToString("P1", Inv).Replace(" ", "");
    private static string Opt(double? v) => v is double d ? P(d) : "—";
    private static string Opt(double? v, Func<double, string> f) => v is double d ? f(d) : "—";
}
