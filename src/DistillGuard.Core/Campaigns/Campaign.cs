using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Campaigns;

/// <summary>An indicator shared by members of a campaign.</summary>
/// <param name="Key">Indicator key.</param>
/// <param name="Accounts">Members holding it.</param>
public readonly record struct SharedIndicator(ulong Key, int Accounts);

/// <summary>A community of the account graph, with its pooled evidence and assessment.</summary>
public sealed class Campaign
{
    /// <summary>Community label (the dense index of one member).</summary>
    public int Label { get; init; }

    /// <summary>Members (accounts of the community).</summary>
    public List<AccountProfile> Members { get; } = new();

    /// <summary>Associates: accounts without extraction content that share a payment method with members of this attack campaign.</summary>
    public List<AccountProfile> Associates { get; } = new();

    /// <summary>Exchanges of all members.</summary>
    public long Exchanges { get; internal set; }

    /// <summary>Hits per signal over all members' exchanges.</summary>
    public int[] Hits { get; } = new int[SignalKinds.Count];

    /// <summary>Strength per signal of the pooled content, 0–1.</summary>
    public float[] Strengths { get; } = new float[SignalKinds.Count];

    /// <summary>First and last exchange of any member, Unix ms.</summary>
    public long FirstSeenMs { get; internal set; }

    /// <summary>Last exchange of any member, Unix ms.</summary>
    public long LastSeenMs { get; internal set; }

    /// <summary>Pooled extraction-content sub-score, 0–1.</summary>
    public float Content { get; internal set; }

    /// <summary>Exchange-weighted mean behaviour of the members, 0–1.</summary>
    public float Behaviour { get; internal set; }

    /// <summary>Mean infrastructure score of the members, 0–1.</summary>
    public float Infrastructure { get; internal set; }

    /// <summary>Coordination features.</summary>
    public CoordinationFeatures Coordination { get; internal set; }

    /// <summary>Indicators held by at least two members, most shared first.</summary>
    public List<SharedIndicator> SharedIndicators { get; } = new();

    /// <summary>Risk score 0–100.</summary>
    public float Risk { get; internal set; }

    /// <summary>Verdict.</summary>
    public Verdict Verdict { get; internal set; }

    /// <summary>Share of members whose network indicators are shared with other members or rotate (proxy or reseller infrastructure), 0–1.</summary>
    public float ProxyShare { get; internal set; }

    /// <summary>Share of members that look like farmed accounts (shared payment, disposable e-mail, creation burst, or brand new), 0–1.</summary>
    public float FarmShare { get; internal set; }
}
