namespace DistillGuard.Core.Indicators;

/// <summary>
/// Cross-account index of indicators: how many accounts hold each indicator (document frequency, in a count-min
/// sketch over all accounts, so memory is fixed) and, for candidate accounts only, posting lists that reveal which
/// accounts share it. Rarity weights follow inverse document frequency (Spärck Jones, "A statistical interpretation
/// of term specificity", J. Documentation 1972): a popular client library's user agent or a campus NAT shared by
/// hundreds of accounts links them only weakly.
/// </summary>
public sealed class IndicatorIndex
{
    private Similarity.CountMinSketch _documentFrequency;
    private Func<int, ulong>? _rank;
    private ulong[] _ranks = [];
    private bool _counted;
    private readonly PostingStore _postings = new();

    /// <summary>Creates the index.</summary>
    /// <param name="postingCap">Candidates per posting list beyond which the indicator is treated as popular.</param>
    /// <param name="sketchWidth">Width of the document-frequency sketch (counters per row).</param>
    /// <param name="maxPostings">Most posting lists held; further indicators are not indexed (counted in <see cref="PostingsRefused"/>).</param>
    /// <param name="storedMembers">Members stored per posting list of a traffic indicator (IP, network, user agent, template); registry postings store up to <paramref name="postingCap"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="postingCap"/> is below 2 or above 32,768, or <paramref name="storedMembers"/> is below 2.</exception>
    public IndicatorIndex(int postingCap = 1024, int sketchWidth = 1 << 19, int maxPostings = 2_000_000, int storedMembers = DefaultStoredMembers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(postingCap, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(postingCap, 1 << PostingStore.MaxClass);
        ArgumentOutOfRangeException.ThrowIfLessThan(storedMembers, 2);
        PostingCap = postingCap;
        StoredMembers = Math.Min(storedMembers, postingCap);
        MaxPostings = maxPostings;
        _documentFrequency = new Similarity.CountMinSketch(sketchWidth, SketchDepth);
    }

    /// <summary>
    /// Switches the index to order-free bookkeeping, for an engine whose findings must not depend on the order
    /// accounts' exchanges are interleaved in: document frequencies use plain count-min update (every estimate is the
    /// same in any order), and a traffic indicator's posting list keeps the <see cref="StoredMembers"/> holders of
    /// smallest <paramref name="rank"/> (a bottom-k sample, canonical and uniform over holders for a hash rank) instead
    /// of the first to arrive, and its <see cref="Posting.AccountTotal"/> counts every post (an account whose key left
    /// its template table and came back counts twice) rather than every account not stored.
    /// </summary>
    /// <param name="rank">A fixed rank per dense account index, such as a hash of the account id.</param>
    /// <exception cref="InvalidOperationException">The index already holds counts or postings.</exception>
    public void UseOrderFreeBookkeeping(Func<int, ulong> rank)
    {
        if (_postings.Count > 0 || _rank is not null || _counted) throw new InvalidOperationException("The index is already in use.");
        _documentFrequency = new Similarity.CountMinSketch(_documentFrequency.Width, _documentFrequency.Depth, conservative: false);
        _rank = rank;
    }

    /// <summary>Whether <see cref="UseOrderFreeBookkeeping"/> is in effect.</summary>
    public bool OrderFree => _rank is not null;

    /// <summary>Candidates per posting list beyond which an indicator no longer links accounts.</summary>
    public int PostingCap { get; }

    private const int SketchDepth = 4;

    /// <summary>Resolution of content scores summed in order-free bookkeeping: 2^20 steps per unit.</summary>
    private const double ContentQuantum = 1 << 20;

    /// <summary>
    /// Default members stored per traffic-indicator posting list. The first members to share a proxy exit or a prompt
    /// template are enough to tell any later account which community it joins (later accounts still read them); the
    /// remaining holders are counted in <see cref="Posting.AccountTotal"/>. This keeps a campaign of thousands of
    /// accounts at O(accounts) memory instead of O(accounts × shared indicators).
    /// </summary>
    public const int DefaultStoredMembers = 16;

    /// <summary>Members stored per traffic-indicator posting list.</summary>
    public int StoredMembers { get; }

    /// <summary>Most posting lists held.</summary>
    public int MaxPostings { get; }

    /// <summary>Indicators not indexed because <see cref="MaxPostings"/> was reached.</summary>
    public long PostingsRefused { get; private set; }

    /// <summary>Number of posting lists.</summary>
    public int PostingCount => _postings.Count;

    /// <summary>Memory of the posting store (table, per-posting fields, member blocks), in bytes; display strings not included.</summary>
    public long PostingBytes => _postings.SizeBytes;

    /// <summary>Distinct display texts held by the postings and their bytes; walks every posting (for measurements).</summary>
    public (int Count, long Bytes) DisplayCensus() => _postings.DisplayCensus();

    /// <summary>Memory of the document-frequency sketch, in bytes.</summary>
    public long SketchBytes => _documentFrequency.SizeBytes;

    /// <summary>The sketch behind <see cref="DocumentFrequency"/> (exported by hosts that persist state).</summary>
    public Similarity.CountMinSketch DocumentFrequencySketch => _documentFrequency;

    /// <summary>Counts one more account holding <paramref name="key"/>.</summary>
    public void CountAccount(ulong key)
    {
        _counted = true;
        _documentFrequency.Increment(key);
    }

    /// <summary>
    /// Number of accounts holding <paramref name="key"/>: exact for registry keys (payment, e-mail domain, creation
    /// burst), whose posting lists hold every account, and a count-min estimate (never an undercount) otherwise.
    /// </summary>
    public uint DocumentFrequency(ulong key)
    {
        if (IndicatorKey.IsRegistry(key))
        {
            int slot = _postings.Find(key);
            if (slot >= 0) return (uint)_postings.AccountTotal(slot);
        }
        return _documentFrequency.Estimate(key);
    }

    /// <summary>
    /// Rarity weight of an indicator in 0–1: <c>min(1, ln(1 + N/df) / ln(1 + N/2))</c> for N accounts, so an
    /// indicator held by at most two accounts weighs 1 and one held by everyone tends to 0.
    /// </summary>
    public float Rarity(ulong key, int accountTotal)
    {
        double n = Math.Max(4, accountTotal);
        double df = Math.Max(1, DocumentFrequency(key));
        return (float)Math.Min(1.0, Math.Log(1 + n / df) / Math.Log(1 + n / 2));
    }

    /// <summary>Adds a candidate account to the indicator's posting list.</summary>
    /// <param name="key">Indicator key.</param>
    /// <param name="account">Dense account index.</param>
    /// <param name="posting">The posting (also when the account was already in it), or default when the index is full.</param>
    /// <returns>False when the index is full (<see cref="MaxPostings"/>) and the indicator is not indexed.</returns>
    public bool AddPosting(ulong key, int account, out Posting posting)
    {
        int slot = FindOrAdd(key);
        if (slot < 0) { posting = default; return false; }
        posting = new Posting(_postings, slot);
        ref int total = ref _postings.AccountTotal(slot);
        if (_postings.IsPopular(slot)) { total++; return true; }
        bool registry = IndicatorKey.IsRegistry(key);
        bool stored = _postings.Contains(slot, account);
        // A stored account posting again is not counted again. In order-free bookkeeping a sampled (traffic) list
        // counts every post instead: whether the account is still in the sample depends on who posted before it.
        if (stored && (registry || _rank is null)) return true;
        total++;
        if (total > PostingCap)
        {
            _postings.Drop(slot);
            return true;
        }
        if (!stored) Store(slot, account, registry);
        return true;
    }

    /// <summary>The slot of <paramref name="key"/>, created if missing; -1 (counted in <see cref="PostingsRefused"/>) when the index is full.</summary>
    private int FindOrAdd(ulong key)
    {
        int slot = _postings.Find(key);
        if (slot >= 0) return slot;
        if (_postings.Count >= MaxPostings)
        {
            PostingsRefused++;
            return -1;
        }
        return _postings.Add(key);
    }

    /// <summary>
    /// Stores an account not yet stored in a list that is not popular: appended while the list holds fewer than its
    /// limit (<see cref="PostingCap"/> for registry indicators, <see cref="StoredMembers"/> for traffic ones); beyond it,
    /// in order-free bookkeeping, kept only if it ranks among the smallest.
    /// </summary>
    private void Store(int slot, int account, bool registry)
    {
        if (_postings.Members(slot).Length < (registry ? PostingCap : StoredMembers)) _postings.AddMember(slot, account);
        else if (_rank is not null && !registry) KeepSmallestRanks(slot, account);
    }

    /// <summary>
    /// Adds the index of another engine that processed a disjoint set of accounts of the same log (a partition), both in
    /// order-free bookkeeping: document-frequency counters add up, and each posting list becomes what one index fed
    /// both partitions' posts would hold (totals, exchanges and content sums added, members united and, for traffic
    /// indicators, cut to the <see cref="StoredMembers"/> of smallest rank; popular when the total passes the cap).
    /// </summary>
    /// <param name="other">The partition's index; not to be used afterwards (display texts are moved).</param>
    /// <param name="accountMap">The partition's dense account index → this index's dense account index.</param>
    /// <exception cref="InvalidOperationException">Either index is not in order-free bookkeeping.</exception>
    public void MergeFrom(IndicatorIndex other, ReadOnlySpan<int> accountMap)
    {
        if (_rank is null || other._rank is null) throw new InvalidOperationException("Only indexes in order-free bookkeeping merge.");
        _documentFrequency.Add(other._documentFrequency);
        _counted |= other._counted;
        PostingsRefused += other.PostingsRefused;
        var theirs = other._postings;
        for (int from = 0; from < theirs.Count; from++)
        {
            ulong key = theirs.KeyAt(from);
            int slot = FindOrAdd(key);
            if (slot < 0) continue;
            _postings.AccountTotal(slot) += theirs.AccountTotal(from);
            _postings.Exchanges(slot) += theirs.Exchanges(from);
            _postings.ContentSum(slot) += theirs.ContentSum(from);
            if (_postings.PackedDisplay(slot) is null) _postings.PackedDisplay(slot) = theirs.PackedDisplay(from);
            if (_postings.IsPopular(slot)) continue;
            if (theirs.IsPopular(from) || _postings.AccountTotal(slot) > PostingCap)
            {
                _postings.Drop(slot);
                continue;
            }
            bool registry = IndicatorKey.IsRegistry(key);
            foreach (int member in theirs.Members(from))
            {
                int account = accountMap[member];
                if (!_postings.Contains(slot, account)) Store(slot, account, registry);
            }
        }
    }

    /// <summary>Writes the index's state exactly (order-free bookkeeping only): document-frequency counters and postings.</summary>
    /// <exception cref="InvalidOperationException">The index is not in order-free bookkeeping.</exception>
    internal void WriteState(BinaryWriter w)
    {
        if (_rank is null) throw new InvalidOperationException("Only an index in order-free bookkeeping is written.");
        w.Write(_counted);
        w.Write(PostingsRefused);
        var counters = _documentFrequency.Export();
        w.Write(_documentFrequency.Width);
        w.Write(_documentFrequency.Depth);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(counters.AsSpan()));
        _postings.Write(w);
    }

    /// <summary>Reads a state written by <see cref="WriteState"/> into this unused index in order-free bookkeeping.</summary>
    /// <exception cref="InvalidOperationException">The index is in use or not in order-free bookkeeping.</exception>
    /// <exception cref="InvalidDataException">The sketch shape differs from this index's, or the postings are malformed.</exception>
    internal void ReadState(BinaryReader r, int accounts)
    {
        if (_rank is null || _counted || _postings.Count > 0) throw new InvalidOperationException("Only an unused index in order-free bookkeeping is read into.");
        _counted = r.ReadBoolean();
        PostingsRefused = r.ReadInt64();
        int width = r.ReadInt32(), depth = r.ReadInt32();
        if (width != _documentFrequency.Width || depth != _documentFrequency.Depth)
            throw new InvalidDataException($"document-frequency sketch {width}x{depth}, expected {_documentFrequency.Width}x{_documentFrequency.Depth}");
        var counters = new uint[(long)width * depth];
        r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(counters.AsSpan()));
        _documentFrequency.Import(counters);
        _postings.Read(r, accounts);
    }

    /// <summary>Bottom-k sample: the account replaces the stored member of largest rank if its own rank is smaller.</summary>
    private void KeepSmallestRanks(int slot, int account)
    {
        var members = _postings.Members(slot);
        int largest = 0;
        ulong largestRank = RankOf(members[0]);
        for (int i = 1; i < members.Length; i++)
        {
            ulong r = RankOf(members[i]);
            if (r > largestRank) { largestRank = r; largest = i; }
        }
        if (RankOf(account) < largestRank) _postings.ReplaceMember(slot, largest, account);
    }

    private ulong RankOf(int account)
    {
        if (account >= _ranks.Length) Array.Resize(ref _ranks, Math.Max(account + 1, _ranks.Length * 2));
        ref ulong r = ref _ranks[account];
        if (r == 0) r = _rank!(account) | 1; // 0 marks "not computed"; the low bit is given up
        return r;
    }

    /// <summary>Records one candidate exchange carrying the indicator and its strongest extraction score (0–1).</summary>
    /// <param name="key">Indicator key.</param>
    /// <param name="extraction">The exchange's strongest extraction score, 0–1.</param>
    /// <param name="create">Count it even when no account has posted the indicator yet (a posting without members is
    /// created, within <see cref="MaxPostings"/>), so that the sums do not depend on whether the first holder arrived
    /// before or after this exchange.</param>
    public void CountContent(ulong key, float extraction, bool create = false)
    {
        int slot = create ? FindOrAdd(key) : _postings.Find(key);
        if (slot < 0) return;
        _postings.Exchanges(slot)++;
        // In order-free bookkeeping the score is rounded to a multiple of 2^-20 first, so every partial sum is exact in
        // a double and the sum is the same in any order (a float score can carry bits down to 2^-149).
        _postings.ContentSum(slot) += _rank is null ? extraction : Math.Round(extraction * ContentQuantum) / ContentQuantum;
    }

    /// <summary>Looks up a posting list.</summary>
    public bool TryGetPosting(ulong key, out Posting posting)
    {
        int slot = _postings.Find(key);
        posting = slot < 0 ? default : new Posting(_postings, slot);
        return slot >= 0;
    }

    /// <summary>Every posting list with its key, in the order the indicators were first posted (for reports and measurements).</summary>
    public IEnumerable<KeyValuePair<ulong, Posting>> Postings
    {
        get
        {
            for (int slot = 0; slot < _postings.Count; slot++)
                yield return new KeyValuePair<ulong, Posting>(_postings.KeyAt(slot), new Posting(_postings, slot));
        }
    }
}
