using System.Runtime.InteropServices;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;

namespace DistillGuard.Core.Campaigns;

/// <summary>A weighted edge to a neighbouring account.</summary>
/// <param name="Account">Dense index of the neighbour.</param>
/// <param name="Weight">Sum of the weights of the indicators both accounts hold.</param>
/// <param name="InfrastructureWeight">The part of <paramref name="Weight"/> from network and registry indicators (not prompt templates).</param>
public readonly record struct Neighbour(int Account, float Weight, float InfrastructureWeight);

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
    // Dense accumulators indexed by account (grown on demand) and the accounts touched in the current call: no hashing
    // and no per-call clearing of the whole array.
    private float[] _total = new float[1024];
    private float[] _infrastructure = new float[1024];
    private int[] _touched = new int[256];

    /// <summary>
    /// Factor applied to links between accounts of the same organisation: a customer's own accounts sharing offices,
    /// CI runners and prompt templates is expected, not a multi-account evasion scheme, so such links form no
    /// campaign (each account is still judged on its own evidence).
    /// </summary>
    public const float SameOrganisationFactor = 0f;

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

    /// <summary>
    /// Weight of one shared indicator: kind weight × rarity × suspicion.
    /// <list type="bullet">
    /// <item>Prompt templates: rarity softened (a template shared by a whole campaign is evidence, not noise), scaled by
    /// the template's suspicion: a skeleton that carries no extraction content (a popular prompt, an app's system
    /// prompt) links nobody.</item>
    /// <item>Infrastructure: scaled by min(1, 2 × share of its holders that are candidates): a campus NAT shared by
    /// hundreds of students of whom a few asked suspicious questions links nobody, while a proxy exit used almost
    /// only by harvesting accounts does.</item>
    /// </list>
    /// </summary>
    public float KeyWeight(ulong key, Posting posting)
    {
        var kind = IndicatorKey.KindOf(key);
        float rarity = _index.Rarity(key, _accountTotal());
        float w = KindWeight(kind);
        if (IndicatorKey.IsTemplate(key)) return w * (0.5f + 0.5f * rarity) * (float)posting.Suspicion;
        // Only candidates are posted under traffic indicators (all counted in AccountTotal, the first few stored);
        // registry postings hold every account.
        int candidates = posting.AccountTotal;
        if (IndicatorKey.IsRegistry(key))
        {
            candidates = 0;
            foreach (var b in posting.Accounts) if (_profile(b).Candidate) candidates++;
        }
        float share = Math.Min(1f, (float)candidates / Math.Max(1u, _index.DocumentFrequency(key)));
        return w * rarity * MathF.Min(1f, 2f * share);
    }

    /// <summary>Own content (0–1) both ends need before a shared template counts fully: a playbook links only accounts that run it.</summary>
    public const float TemplateContentBar = 0.3f;

    /// <summary>Indicator and registered template keys of an account: the keys that link it.</summary>
    public static void KeysOf(AccountProfile a, List<ulong> keys)
    {
        keys.Clear();
        for (int i = 0; i < a.IndicatorCount; i++) keys.Add(a.IndicatorKeys[i]);
        foreach (var t in a.Templates) keys.Add(t);
    }

    // Sums this far below the edge threshold cannot reach it (weights are rounded to 1e-4; float error is far smaller).
    private const float CannotReachMargin = 1e-3f;

    /// <summary>
    /// Members read from each posting list during incremental reconciliation. A proxy exit shared by hundreds of
    /// accounts of one campaign tells a newcomer the campaign's label from any few dozen of them; reading all of them
    /// for every re-label would cost O(n²) per campaign. The final <see cref="CommunityTracker.Recompute"/> reads
    /// every member.
    /// </summary>
    public const int IncrementalPostingSample = IndicatorIndex.DefaultStoredMembers;

    /// <summary>
    /// Writes the candidate neighbours of <paramref name="a"/> whose edge weight reaches <paramref name="threshold"/>,
    /// in ascending account order when every member is read, else in the order read.
    /// </summary>
    /// <param name="a">The account.</param>
    /// <param name="threshold">Least edge weight reported.</param>
    /// <param name="result">Receives the neighbours (cleared first).</param>
    /// <param name="keyBuffer">Scratch list for the account's keys.</param>
    /// <param name="postingSample">Members read from each posting list, in the order they joined (all by default).</param>
    public void Neighbours(AccountProfile a, float threshold, List<Neighbour> result, List<ulong> keyBuffer, int postingSample = int.MaxValue)
    {
        result.Clear();
        int accounts = _accountTotal();
        if (_total.Length < accounts)
        {
            int size = Math.Max(accounts, _total.Length * 2);
            Array.Resize(ref _total, size);
            Array.Resize(ref _infrastructure, size);
        }
        int touched = 0;
        KeysOf(a, keyBuffer);
        foreach (var key in keyBuffer)
        {
            if (!_index.TryGetPosting(key, out var posting) || posting.Popular || posting.Accounts.Length < 2) continue;
            float w = KeyWeight(key, posting);
            if (w <= 0) continue;
            float infra = IndicatorKey.IsInfrastructure(key) ? w : 0f;
            var members = posting.Accounts;
            if (members.Length > postingSample) members = members[..postingSample];
            foreach (var b in members)
            {
                if (b == a.Index) continue;
                if (_total[b] == 0f && _infrastructure[b] == 0f)
                {
                    if (touched == _touched.Length) Array.Resize(ref _touched, touched * 2);
                    _touched[touched++] = b;
                }
                _total[b] += w;
                _infrastructure[b] += infra;
            }
        }
        // A full read reports neighbours in ascending account order, so that it does not depend on the order accounts
        // joined the posting lists (the final recomputation); a sampled read keeps the (deterministic) join order.
        if (postingSample == int.MaxValue) Array.Sort(_touched, 0, touched);
        // An edge's weight is at most its raw sum (the playbook and organisation factors are at most 1), so a sum
        // clearly below the threshold is dropped before the other account's profile is read: most accounts reached
        // share one weak key, and each profile read is a cache miss. The margin is far above float rounding.
        float cannotReach = threshold - CannotReachMargin;
        for (int i = 0; i < touched; i++)
        {
            int b = _touched[i];
            float sum = _total[b], sumInfra = _infrastructure[b];
            _total[b] = 0f;
            _infrastructure[b] = 0f;
            if (sum < cannotReach) continue;
            var other = _profile(b);
            if (!other.Candidate) continue;
            float factor = a.OrgKey != 0 && a.OrgKey == other.OrgKey ? SameOrganisationFactor : 1f;
            float playbook = MathF.Min(1f, MathF.Min(a.OwnContent, other.OwnContent) / TemplateContentBar);
            // Rounded so that summation order (which follows arrival order) cannot flip a comparison.
            float infra = MathF.Round(sumInfra * factor, 4);
            float total = MathF.Round((sumInfra + (sum - sumInfra) * playbook) * factor, 4);
            if (total >= threshold) result.Add(new Neighbour(b, total, infra));
        }
    }
}
