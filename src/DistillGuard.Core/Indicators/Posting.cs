namespace DistillGuard.Core.Indicators;

/// <summary>
/// The accounts that share one indicator, with display text and, for templates, content suspicion: a view of one
/// slot of the <see cref="IndicatorIndex"/>'s struct-of-arrays store (no object per posting). A view stays valid for
/// the life of the index; its <see cref="Accounts"/> span shows the members at the time it was read.
/// </summary>
/// <remarks>About 40 bytes in the store plus 4 per member (in power-of-two blocks): the engine holds one per indicator of every candidate account.</remarks>
public readonly struct Posting
{
    private readonly PostingStore _store;
    private readonly int _slot;

    internal Posting(PostingStore store, int slot)
    {
        _store = store;
        _slot = slot;
    }

    /// <summary>
    /// Accounts holding the indicator (dense engine indexes), in the order they joined: for traffic indicators the first
    /// <see cref="IndicatorIndex.StoredMembers"/> candidates, for registry indicators every account; empty once
    /// <see cref="Popular"/>.
    /// </summary>
    public ReadOnlySpan<int> Accounts => _store.Members(_slot);

    /// <summary>Whether <paramref name="account"/> is stored: a vectorised scan for short lists, a hash set for long ones.</summary>
    public bool Contains(int account) => _store.Contains(_slot, account);

    /// <summary>True once more accounts than the posting cap share the indicator; it then no longer links accounts.</summary>
    public bool Popular => _store.IsPopular(_slot);

    /// <summary>Accounts ever added, stored or not (also after the list was dropped).</summary>
    public int AccountTotal => _store.AccountTotal(_slot);

    /// <summary>What an analyst sees for the indicator: an IP, a /24, a domain, a hashed payment fingerprint or a redacted template excerpt; null until the indicator is shared.</summary>
    /// <remarks>Stored as UTF-8 and decoded on each read: read it once per report, and test <see cref="HasDisplay"/> on hot paths.</remarks>
    public string? Display
    {
        get => _store.GetDisplay(_slot);
        internal set => _store.SetDisplay(_slot, value);
    }

    /// <summary>Whether <see cref="Display"/> is set (without decoding it).</summary>
    public bool HasDisplay => _store.HasDisplay(_slot);

    /// <summary>Sum of the strongest extraction score (0–1) of each candidate exchange that carried this indicator.</summary>
    public double ContentSum => _store.ContentSum(_slot);

    /// <summary>Candidate exchanges that carried this indicator.</summary>
    public int Exchanges => _store.Exchanges(_slot);

    /// <summary>Mean extraction score (0–1) of the candidate exchanges carrying the indicator, shrunk towards 0 for small counts (two pseudo-exchanges without content), so a skeleton earns suspicion only from evidence.</summary>
    public double Suspicion => _store.ContentSum(_slot) / (_store.Exchanges(_slot) + 2);

    /// <summary>Memory of the block holding the member list, in bytes (a power of two times 4; 0 when dropped).</summary>
    public int MemberBytes => _store.MemberBytes(_slot);
}
