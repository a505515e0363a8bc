namespace DistillGuard.Core.Indicators;

/// <summary>The accounts that share one indicator, with display text and, for templates, content suspicion.</summary>
/// <remarks>About 60 bytes plus 4 per stored member: the engine holds one per indicator of every candidate account.</remarks>
public sealed class Posting
{
    /// <summary>Members beyond which membership is tested with a hash set rather than a scan (registry postings only grow that long).</summary>
    private const int SetThreshold = IndicatorIndex.DefaultStoredMembers;

    private int[] _members = new int[2];
    private int _count;
    private HashSet<int>? _set;

    /// <summary>
    /// Accounts holding the indicator (dense engine indexes), in the order they joined: for traffic indicators the first
    /// <see cref="IndicatorIndex.StoredMembers"/> candidates, for registry indicators every account; empty once
    /// <see cref="Popular"/>.
    /// </summary>
    public ReadOnlySpan<int> Accounts => _members.AsSpan(0, _count);

    /// <summary>Whether <paramref name="account"/> is stored: a vectorised scan for short lists, a hash set for long ones.</summary>
    public bool Contains(int account) => _set?.Contains(account) ?? Accounts.Contains(account);

    /// <summary>True once more accounts than the posting cap share the indicator; it then no longer links accounts.</summary>
    public bool Popular { get; internal set; }

    /// <summary>Accounts ever added, stored or not (also after the list was dropped).</summary>
    public int AccountTotal { get; internal set; }

    /// <summary>What an analyst sees for the indicator: an IP, a /24, a domain, a hashed payment fingerprint or a redacted template excerpt; null until the indicator is shared.</summary>
    public string? Display { get; internal set; }

    /// <summary>Sum of the strongest extraction score (0–1) of each candidate exchange that carried this indicator.</summary>
    public double ContentSum { get; internal set; }

    /// <summary>Candidate exchanges that carried this indicator.</summary>
    public int Exchanges { get; internal set; }

    /// <summary>Mean extraction score (0–1) of the candidate exchanges carrying the indicator, shrunk towards 0 for small counts (two pseudo-exchanges without content), so a skeleton earns suspicion only from evidence.</summary>
    public double Suspicion => ContentSum / (Exchanges + 2);

    /// <summary>Memory held by the member list, in bytes.</summary>
    public int MemberBytes => _members.Length * sizeof(int);

    /// <summary>Adds an account known not to be stored.</summary>
    internal void Add(int account)
    {
        if (_count == _members.Length) Array.Resize(ref _members, _members.Length * 2);
        _members[_count++] = account;
        if (_set is not null) _set.Add(account);
        else if (_count > SetThreshold) _set = new HashSet<int>(_members.AsSpan(0, _count).ToArray());
    }

    /// <summary>Drops the member list (the indicator became popular).</summary>
    internal void Drop()
    {
        _members = [];
        _count = 0;
        _set = null;
    }
}
