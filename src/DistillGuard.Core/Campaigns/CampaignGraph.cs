using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;

namespace DistillGuard.Core.Campaigns;

/// <summary>A weighted edge to a neighbouring account.</summary>
/// <param name="Account">Dense index of the neighbour.</param>
/// <param name="Weight">Sum of the weights of the indicators both accounts hold.</param>
public readonly record struct Neighbour(int Account, float Weight);

/// <summary>
/// The weighted account graph, computed on demand from the indicator index: two candidate accounts are linked by the
/// indicators they share, each weighted by kind × rarity (inverse document frequency) and, for prompt templates, by
/// the template's extraction content. Nothing is materialised: a node's neighbourhood is read from its posting lists.
/// </summary>
public sealed class CampaignGraph
{
    private readonly IndicatorIndex _index;
    private readonly Func<int, AccountProfile> _profile;
    private readonly Func<int> _accountTotal;
    private readonly Dictionary<int, float> _scratch = new();

    /// <summary>Creates the graph view.</summary>
    /// <param name="index">Indicator index with candidate posting lists.</param>
    /// <param name="profile">Resolves a dense account index to its profile.</param>
    /// <param name="accountTotal">Number of accounts known (the N of the rarity weight).</param>
    public CampaignGraph(IndicatorIndex index, Func<int, AccountProfile> profile, Func<int> accountTotal)
    {
        _index = index;
        _profile = profile;
        _accountTotal = accountTotal;
    }

    /// <summary>
    /// Base weight of an indicator kind: a shared payment method is near-proof of one operator; a shared IP is strong
    /// but NATs and proxies are shared innocently; a user agent says little.
    /// </summary>
    public static float KindWeight(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Payment => 1.2f,
        IndicatorKind.SystemTemplate => 0.6f,
        IndicatorKind.Ip => 0.5f,
        IndicatorKind.CreationBurst => 0.5f,
        IndicatorKind.ToolSet => 0.3f,
        IndicatorKind.Network => 0.25f,
        IndicatorKind.EmailDomain => 0.25f,
        IndicatorKind.PromptTemplate => 0.15f,
        IndicatorKind.UserAgent => 0.1f,
        _ => 0f,
    };

    /// <summary>Weight of one shared indicator: kind weight × rarity, and for templates × (0.2 + 0.8 × suspicion) with rarity softened, since a template shared by a whole campaign is evidence, not noise.</summary>
    public float KeyWeight(ulong key, Posting posting)
    {
        var kind = IndicatorKey.KindOf(key);
        float rarity = _index.Rarity(key, _accountTotal());
        float w = KindWeight(kind);
        if (IndicatorKey.IsTemplate(key)) return w * (0.5f + 0.5f * rarity) * (0.2f + 0.8f * (float)posting.Suspicion);
        return w * rarity;
    }

    /// <summary>Indicator and registered template keys of an account: the keys that link it.</summary>
    public static void KeysOf(AccountProfile a, List<ulong> keys)
    {
        keys.Clear();
        for (int i = 0; i < a.IndicatorCount; i++) keys.Add(a.IndicatorKeys[i]);
        keys.AddRange(a.RegisteredTemplates());
    }

    /// <summary>Writes the candidate neighbours of <paramref name="a"/> whose edge weight reaches <paramref name="threshold"/>, in ascending account order.</summary>
    public void Neighbours(AccountProfile a, float threshold, List<Neighbour> result, List<ulong> keyBuffer)
    {
        result.Clear();
        _scratch.Clear();
        KeysOf(a, keyBuffer);
        foreach (var key in keyBuffer)
        {
            if (!_index.TryGetPosting(key, out var posting) || posting.Popular || posting.Accounts.Count < 2) continue;
            float w = KeyWeight(key, posting);
            if (w <= 0) continue;
            foreach (var b in posting.Accounts)
            {
                if (b == a.Index) continue;
                _scratch[b] = _scratch.TryGetValue(b, out var acc) ? acc + w : w;
            }
        }
        foreach (var (b, w) in _scratch)
        {
            // Rounded so that summation order (which follows arrival order) cannot flip a comparison.
            float rounded = MathF.Round(w, 4);
            if (rounded >= threshold && _profile(b).Candidate) result.Add(new Neighbour(b, rounded));
        }
        result.Sort(static (x, y) => x.Account.CompareTo(y.Account));
    }
}
