using System.Globalization;
using DistillGuard.Core.Campaigns;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Findings;

/// <summary>Turns assessments into reason lists with measured details, strongest first.</summary>
public static class ReasonDetails
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Reasons behind an account's own score (signals, behaviour, infrastructure).</summary>
    public static List<ReasonFinding> ForAccount(AccountProfile p, AccountAssessment a)
    {
        var r = new List<ReasonFinding>();
        int n = p.Exchanges;
        foreach (var kind in SignalKinds.All)
        {
            float s = a.Strengths[(int)kind];
            if (s < 0.05f) continue;
            int hits = p.Hits[(int)kind];
            r.Add(Make(kind.Code(), s, $"{hits:N0} of {n:N0} exchanges ({Pct(hits, n)})"));
        }
        var b = a.Behaviour;
        Add(r, ReasonCodes.AroundTheClock, b.AroundTheClock, $"hour-of-day entropy {p.HourEntropyBits().ToString("F2", Inv)} of 4.58 bits");
        Add(r, ReasonCodes.ScriptedTiming, b.ScriptedTiming, $"log10 inter-arrival spread {p.GapLogStdDev.ToString("F2", Inv)} (Poisson ≈ 0.56)");
        Add(r, ReasonCodes.TemplateReuse, b.TemplateReuse, $"{p.TemplateReuse:N0} of {n:N0} exchanges reuse a prompt template ({Pct(p.TemplateReuse, n)})");
        Add(r, ReasonCodes.SingleTurn, b.SingleTurn, $"{p.SingleTurn:N0} of {n:N0} exchanges are single-turn ({Pct(p.SingleTurn, n)})");
        Add(r, ReasonCodes.ReasoningHarvest, b.ReasoningShare, $"{Pct(p.ReasoningTokens, p.TokensOut)} of {p.TokensOut:N0} output tokens are reasoning");
        double days = Math.Max(1.0, (p.LastSeenMs - p.FirstSeenMs) / 86_400_000.0);
        Add(r, ReasonCodes.HighVolume, b.HighVolume, $"{(n / days).ToString("N0", Inv)} exchanges per day");
        Add(r, ReasonCodes.NewModelPivot, b.NewModelPivot, $"{p.NewModelExchanges:N0} exchanges to models within 72 h of their first sighting");
        var i = a.Infrastructure;
        Add(r, ReasonCodes.SharedPayment, i.SharedPayment, $"payment method shared by {i.PaymentAccounts:N0} accounts");
        Add(r, ReasonCodes.DisposableEmail, i.DisposableEmail, $"registered with disposable domain {p.Metadata?.EmailDomain}");
        Add(r, ReasonCodes.IpRotation, i.IpRotation, $"{i.DistinctNetworks:N0} distinct networks over {n:N0} exchanges");
        Add(r, ReasonCodes.CreationBurst, i.CreationBurst, $"{i.BurstAccounts:N0} accounts created in the same hour on {p.Metadata?.EmailDomain}");
        if (p.Metadata?.CreatedAtMs is long created && i.NewAccount > 0)
            Add(r, ReasonCodes.NewAccount, i.NewAccount, $"created {((p.FirstSeenMs - created) / 86_400_000.0).ToString("F1", Inv)} days before its first exchange");
        r.Sort(static (x, y) => y.Score.CompareTo(x.Score));
        return r;
    }

    /// <summary>Reasons behind a campaign's score (pooled signals, coordination, behaviour, infrastructure).</summary>
    public static List<ReasonFinding> ForCampaign(Campaign c)
    {
        var r = new List<ReasonFinding>();
        long n = c.Exchanges;
        foreach (var kind in SignalKinds.All)
        {
            float s = c.Strengths[(int)kind];
            if (s < 0.05f) continue;
            r.Add(Make(kind.Code(), s, $"{c.Hits[(int)kind]:N0} of {n:N0} exchanges ({Pct(c.Hits[(int)kind], n)})"));
        }
        var k = c.Coordination;
        Add(r, ReasonCodes.SharedTemplates, k.SharedTemplates, $"{Pct((long)Math.Round(k.SharedTemplates * c.Members.Count), c.Members.Count)} of accounts use one suspicious prompt template");
        Add(r, ReasonCodes.SharedPayment, k.SharedPayment, "payment methods shared between member accounts");
        Add(r, ReasonCodes.LockstepTiming, k.Lockstep, "members' hour-of-day activity is near-identical");
        Add(r, ReasonCodes.CreationBurst, k.CreationBurst, "members created in bursts on one e-mail domain");
        Add(r, ReasonCodes.SharedInfrastructure, c.ProxyShare, $"{Pct((long)Math.Round(c.ProxyShare * c.Members.Count), c.Members.Count)} of accounts share proxy exits or rotate networks");
        Add(r, ReasonCodes.CampaignMember, k.Cohesion, $"mean link strength {k.Cohesion.ToString("F2", Inv)} across {c.Members.Count:N0} accounts");
        r.Sort(static (x, y) => y.Score.CompareTo(x.Score));
        return r;
    }

    private static void Add(List<ReasonFinding> r, string code, float strength, string detail)
    {
        if (strength >= 0.3f) r.Add(Make(code, strength, detail));
    }

    private static ReasonFinding Make(string code, float strength, string detail) =>
        new() { Code = code, Score = (int)MathF.Round(100 * Math.Clamp(strength, 0f, 1f)), Detail = detail };

    private static string Pct(long part, long whole) => whole <= 0 ? "0%" : ((double)part / whole).ToString("P0", Inv).Replace(" ", "");
}
