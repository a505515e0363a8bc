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
    private readonly Similarity.CountMinSketch _documentFrequency;
    private readonly Dictionary<ulong, Posting> _postings = new();

    /// <summary>Creates the index.</summary>
    /// <param name="postingCap">Candidates per posting list beyond which the indicator is treated as popular.</param>
    /// <param name="sketchWidth">Width of the document-frequency sketch (counters per row).</param>
    /// <param name="maxPostings">Most posting lists held; further indicators are not indexed (counted in <see cref="PostingsRefused"/>).</param>
    /// <param name="storedMembers">Members stored per posting list of a traffic indicator (IP, network, user agent, template); registry postings store up to <paramref name="postingCap"/>.</param>
    public IndicatorIndex(int postingCap = 1024, int sketchWidth = 1 << 19, int maxPostings = 2_000_000, int storedMembers = DefaultStoredMembers)
    {
        PostingCap = postingCap;
        StoredMembers = Math.Min(storedMembers, postingCap);
        MaxPostings = maxPostings;
        _documentFrequency = new Similarity.CountMinSketch(sketchWidth, 4);
    }

    /// <summary>Candidates per posting list beyond which an indicator no longer links accounts.</summary>
    public int PostingCap { get; }

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

    /// <summary>Memory of the document-frequency sketch, in bytes.</summary>
    public long SketchBytes => _documentFrequency.SizeBytes;

    /// <summary>The sketch behind <see cref="DocumentFrequency"/> (exported by hosts that persist state).</summary>
    public Similarity.CountMinSketch DocumentFrequencySketch => _documentFrequency;

    /// <summary>Counts one more account holding <paramref name="key"/>.</summary>
    public void CountAccount(ulong key) => _documentFrequency.Increment(key);

    /// <summary>
    /// Number of accounts holding <paramref name="key"/>: exact for registry keys (payment, e-mail domain, creation
    /// burst), whose posting lists hold every account, and a count-min estimate (never an undercount) otherwise.
    /// </summary>
    public uint DocumentFrequency(ulong key) =>
        IndicatorKey.IsRegistry(key) && _postings.TryGetValue(key, out var p) ? (uint)p.AccountTotal : _documentFrequency.Estimate(key);

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
    /// <returns>The posting, or null when the index is full.</returns>
    public Posting? AddPosting(ulong key, int account)
    {
        if (!_postings.TryGetValue(key, out var p))
        {
            if (_postings.Count >= MaxPostings) { PostingsRefused++; return null; }
            p = new Posting();
            _postings[key] = p;
        }
        if (p.Popular) { p.AccountTotal++; return p; }
        if (p.Contains(account)) return p;
        p.AccountTotal++;
        if (p.AccountTotal > PostingCap)
        {
            p.Popular = true;
            p.Drop();
            return p;
        }
        if (p.Accounts.Length < (IndicatorKey.IsRegistry(key) ? PostingCap : StoredMembers)) p.Add(account);
        return p;
    }

    /// <summary>Records one candidate exchange carrying the indicator and its strongest extraction score (0–1).</summary>
    public void CountContent(ulong key, float extraction)
    {
        if (_postings.TryGetValue(key, out var p))
        {
            p.Exchanges++;
            p.ContentSum += extraction;
        }
    }

    /// <summary>Looks up a posting list.</summary>
    public bool TryGetPosting(ulong key, out Posting posting) => _postings.TryGetValue(key, out posting!);

    /// <summary>Every posting list (for persistence and reports).</summary>
    public IEnumerable<KeyValuePair<ulong, Posting>> Postings => _postings;
}
