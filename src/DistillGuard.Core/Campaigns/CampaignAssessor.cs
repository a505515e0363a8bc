using System.Runtime.InteropServices;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Campaigns;

/// <summary>Pools a community's evidence and scores it: content over all members' exchanges, behaviour, infrastructure and coordination.</summary>
public static class CampaignAssessor
{
    private sealed class Scratch
    {
        public readonly List<bool> Rotating = new();
        public readonly Dictionary<ulong, int> KeyCounts = new();
        public readonly List<ulong> Keys = new();
        public readonly HashSet<ulong> SharedNetwork = new();

        /// <summary>Entries above which the reused collections are released after use rather than kept (a campaign of thousands of members would otherwise pin megabytes).</summary>
        private const int KeepAtMost = 4096;

        public void Release()
        {
            if (KeyCounts.Count > KeepAtMost) { KeyCounts.Clear(); KeyCounts.TrimExcess(KeepAtMost); }
            if (SharedNetwork.Count > KeepAtMost) { SharedNetwork.Clear(); SharedNetwork.TrimExcess(); }
            if (Rotating.Count > KeepAtMost) { Rotating.Clear(); Rotating.Capacity = KeepAtMost; }
        }
    }

    [ThreadStatic] private static Scratch? t_scratch;

    /// <summary>Members needed before hour-of-day similarity counts as lockstep evidence.</summary>
    public const int LockstepMinMembers = 3;

    /// <summary>Assesses <paramref name="c"/> (its <see cref="Campaign.Members"/> must be filled).</summary>
    public static void Assess(Campaign c, RiskModel model, IndicatorIndex index, AccountAssessment scratch)
    {
        var members = c.Members;
        Array.Clear(c.Hits);
        long exchanges = 0;
        long first = long.MaxValue, last = long.MinValue;
        double behaviourSum = 0, infraSum = 0, cohesion = 0;
        int farmed = 0;
        // Collections reused between calls on a thread (campaigns are re-assessed often during a scan).
        var reuse = t_scratch ??= new Scratch();
        var rotating = reuse.Rotating;
        var keyCounts = reuse.KeyCounts;
        var keys = reuse.Keys;
        var sharedNetwork = reuse.SharedNetwork;
        rotating.Clear();
        keyCounts.Clear();
        sharedNetwork.Clear();
        Span<double> centroid = stackalloc double[24];
        int lockstepMembers = 0;
        foreach (var m in members)
        {
            exchanges += m.Exchanges;
            for (int i = 0; i < SignalKinds.Count; i++) c.Hits[i] += m.Hits[i];
            if (m.Exchanges > 0)
            {
                first = Math.Min(first, m.FirstSeenMs);
                last = Math.Max(last, m.LastSeenMs);
            }
            var a = model.Assess(m, index, scratch);
            behaviourSum += a.Behaviour.Score * (double)m.Exchanges;
            infraSum += a.Infrastructure.Score;
            cohesion += Math.Min(1f, m.LinkStrength);
            var infra = a.Infrastructure;
            rotating.Add(infra.IpRotation >= 0.5f);
            if (infra.SharedPayment > 0 || infra.DisposableEmail > 0 || infra.CreationBurst > 0 || infra.NewAccount >= 1f) farmed++;
            CampaignGraph.KeysOf(m, keys);
            foreach (var k in keys) CollectionsMarshal.GetValueRefOrAddDefault(keyCounts, k, out _)++;
            if (m.Exchanges >= 12)
            {
                lockstepMembers++;
                double norm = 0;
                for (int h = 0; h < 24; h++) norm += (double)m.Hours[h] * m.Hours[h];
                norm = Math.Sqrt(norm);
                for (int h = 0; h < 24; h++) centroid[h] += m.Hours[h] / norm;
            }
        }
        c.Exchanges = exchanges;
        c.FirstSeenMs = first == long.MaxValue ? 0 : first;
        c.LastSeenMs = last == long.MinValue ? 0 : last;
        int count = Math.Max(1, members.Count);
        c.Behaviour = exchanges == 0 ? 0f : (float)(behaviourSum / exchanges);
        c.Infrastructure = (float)(infraSum / count);

        int totalExchanges = (int)Math.Min(int.MaxValue, exchanges);
        c.Content = ContentScorer.Score(totalExchanges, c.Hits, c.Strengths);

        // Shared indicators and what they say about the infrastructure.
        c.SharedIndicators.Clear();
        float sharedTemplates = 0, sharedPayment = 0, burst = 0;
        foreach (var (key, n) in keyCounts)
        {
            if (n < 2) continue;
            c.SharedIndicators.Add(new SharedIndicator(key, n));
            switch (IndicatorKey.KindOf(key))
            {
                case IndicatorKind.Payment: sharedPayment = 1f; break;
                case IndicatorKind.CreationBurst when n >= 3: burst = 1f; break;
                case IndicatorKind.Ip or IndicatorKind.Network when n >= 3: sharedNetwork.Add(key); break;
            }
            if (IndicatorKey.IsTemplate(key) && index.TryGetPosting(key, out var posting) && posting.Suspicion >= 0.4)
                sharedTemplates = Math.Max(sharedTemplates, (float)n / count);
        }
        c.SharedIndicators.Sort(static (x, y) => y.Accounts != x.Accounts ? y.Accounts.CompareTo(x.Accounts) : x.Key.CompareTo(y.Key));

        int proxied = 0;
        for (int j = 0; j < members.Count; j++)
        {
            var m = members[j];
            bool onShared = rotating[j];
            for (int i = 0; i < m.IndicatorCount && !onShared; i++) onShared = sharedNetwork.Contains(m.IndicatorKeys[i]);
            if (onShared) proxied++;
        }
        c.ProxyShare = (float)proxied / count;
        c.FarmShare = (float)farmed / count;

        float lockstep = 0;
        if (lockstepMembers >= LockstepMinMembers)
        {
            double norm = 0;
            for (int h = 0; h < 24; h++) norm += centroid[h] * centroid[h];
            norm = Math.Sqrt(norm);
            double cosSum = 0;
            foreach (var m in members)
            {
                if (m.Exchanges < 12) continue;
                double dot = 0, mn = 0;
                for (int h = 0; h < 24; h++)
                {
                    dot += m.Hours[h] * centroid[h];
                    mn += (double)m.Hours[h] * m.Hours[h];
                }
                cosSum += dot / (Math.Sqrt(mn) * norm);
            }
            lockstep = BehaviourScorer.Clamp((cosSum / lockstepMembers - 0.85) / 0.13);
        }
        reuse.Release();
        c.Coordination = new CoordinationFeatures((float)(cohesion / count), sharedTemplates, sharedPayment, lockstep, burst);
        c.Risk = RiskModel.CampaignRisk(c.Content, c.Behaviour, c.Coordination.Score, c.Infrastructure);
        c.Verdict = members.Count < model.Options.MinCampaignAccounts ? Verdict.Benign : model.VerdictOf(c.Risk);
    }
}
