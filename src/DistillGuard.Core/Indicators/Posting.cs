namespace DistillGuard.Core.Indicators;

/// <summary>The candidate accounts that share one indicator, with display text and, for templates, content suspicion.</summary>
public sealed class Posting
{
    /// <summary>Members beyond which membership is tested with a hash set rather than a scan of <see cref="Accounts"/>.</summary>
    private const int SetThreshold = 32;

    private HashSet<int>? _set;

    /// <summary>Candidate accounts holding the indicator (dense engine indexes), in the order they joined; cleared when <see cref="Popular"/>.</summary>
    public List<int> Accounts { get; } = new(2);

    /// <summary>Whether <paramref name="account"/> is in <see cref="Accounts"/>: a scan for short lists, a hash set for long ones.</summary>
    public bool Contains(int account) => _set?.Contains(account) ?? Accounts.Contains(account);

    /// <summary>Adds an account known not to be a member.</summary>
    internal void Add(int account)
    {
        Accounts.Add(account);
        if (_set is not null) _set.Add(account);
        else if (Accounts.Count > SetThreshold) _set = new HashSet<int>(Accounts);
    }

    /// <summary>Drops the member list (the indicator became popular).</summary>
    internal void Drop()
    {
        Accounts.Clear();
        Accounts.TrimExcess();
        _set = null;
    }

    /// <summary>True once more than the posting cap of candidates share the indicator; it then no longer links accounts.</summary>
    public bool Popular { get; internal set; }

    /// <summary>Candidate accounts ever added (also after the list was dropped).</summary>
    public int AccountTotal { get; internal set; }

    /// <summary>What an analyst sees for the indicator: an IP, a /24, a domain, a hashed payment fingerprint or a redacted template excerpt.</summary>
    public string? Display { get; internal set; }

    /// <summary>Sum of the strongest extraction score (0–1) of each candidate exchange that carried this indicator.</summary>
    public double ContentSum { get; internal set; }

    /// <summary>Candidate exchanges that carried this indicator.</summary>
    public int Exchanges { get; internal set; }

    /// <summary>Mean extraction score (0–1) of the candidate exchanges carrying the indicator, shrunk towards 0 for small counts (two pseudo-exchanges without content), so a skeleton earns suspicion only from evidence.</summary>
    public double Suspicion => ContentSum / (Exchanges + 2);
}
