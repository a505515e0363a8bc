using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;

namespace DistillGuard.Core.Campaigns;

/// <summary>
/// Maintains communities of the candidate-account graph with weighted label propagation (Raghavan, Albert and
/// Kumara, "Near linear time algorithm to detect community structures in large-scale networks", Phys. Rev. E 76,
/// 036106, 2007) and keeps each community's campaign assessment current.
/// </summary>
/// <remarks>
/// Incremental: <see cref="MarkDirty"/> queues an account whose evidence or indicators changed; <see cref="Reconcile"/>
/// re-labels only dirty accounts and, when a label changes, their neighbours, within a work budget (bounded, amortised
/// work per exchange), then re-assesses the touched communities and lifts their members. <see cref="Recompute"/> runs
/// the whole graph from singleton labels in account-id order, so its result depends only on the final graph, not on
/// arrival order. Ties between labels go to the current label, then to the label whose owner has the smallest
/// account id.
/// </remarks>
public sealed class CommunityTracker
{
    /// <summary>Most full passes of <see cref="Recompute"/>.</summary>
    public const int MaxPasses = 30;

    private readonly Func<int, AccountProfile> _profile;
    private readonly Func<int> _count;
    private readonly CampaignGraph _graph;
    private readonly RiskModel _model;
    private readonly IndicatorIndex _index;
    private readonly Dictionary<int, HashSet<int>> _members = new();
    private readonly Dictionary<int, Campaign> _campaigns = new();
    private readonly HashSet<int> _dirty = new();
    private readonly HashSet<int> _associatesSeen = new();
    private readonly HashSet<ulong> _cardsRead = new();
    private readonly Queue<int> _queue = new();
    private const int KeepAtMost = 4096; // entries of the reused reconciliation collections kept between passes
    private readonly HashSet<int> _queued = new(), _touched = new();
    private readonly List<Neighbour> _neighbours = new();
    private readonly List<ulong> _keys = new();
    private readonly Dictionary<int, float> _labelScores = new();
    private readonly Dictionary<int, int> _changes = new();
    private readonly Dictionary<int, List<int>> _touchedMembers = new();
    private readonly AccountAssessment _scratch = new();

    /// <summary>Creates the tracker.</summary>
    public CommunityTracker(Func<int, AccountProfile> profile, Func<int> count, CampaignGraph graph, RiskModel model, IndicatorIndex index)
    {
        _profile = profile;
        _count = count;
        _graph = graph;
        _model = model;
        _index = index;
    }

    /// <summary>Accounts waiting for re-labelling.</summary>
    public int DirtyCount => _dirty.Count;

    /// <summary>Assessed communities with at least the minimum number of accounts, keyed by label.</summary>
    public IReadOnlyDictionary<int, Campaign> Campaigns => _campaigns;

    /// <summary>
    /// Invoked for each member whose final risk was updated by a campaign re-assessment. It runs inside
    /// <see cref="Reconcile"/> and <see cref="Recompute"/>, which reuse their working sets: it must not call back into
    /// the tracker.
    /// </summary>
    public Action<AccountProfile>? MemberUpdated { get; set; }

    /// <summary>Queues a candidate account for re-labelling.</summary>
    public void MarkDirty(int account) => _dirty.Add(account);

    /// <summary>Re-labels dirty accounts (and neighbours of accounts whose label changed) within <paramref name="budget"/> units of work.</summary>
    /// <returns>Work done (accounts visited plus edges read).</returns>
    public int Reconcile(int budget)
    {
        if (_dirty.Count == 0) return 0;
        // Reused between calls (cleared sets enumerate in insertion order, as new ones do).
        var queue = _queue;
        var queued = _queued;
        var touched = _touched;
        queue.Clear();
        queued.Clear();
        touched.Clear();
        foreach (var d in _dirty)
        {
            queue.Enqueue(d);
            queued.Add(d);
        }
        _dirty.Clear();
        _touchedMembers.Clear();
        int work = 0;
        while (queue.Count > 0)
        {
            if (work >= budget)
            {
                foreach (var rest in queue) _dirty.Add(rest);
                break;
            }
            int a = queue.Dequeue();
            queued.Remove(a);
            var p = _profile(a);
            if (!p.Candidate) continue;
            int old = p.Label;
            int label = Relabel(p);
            work += 1 + _neighbours.Count;
            if (old >= 0 && old != label) { touched.Add(old); Changed(old); }
            touched.Add(label);
            Changed(label);
            if (!_touchedMembers.TryGetValue(label, out var list)) _touchedMembers[label] = list = new List<int>();
            list.Add(a);
            if (label != old)
            {
                foreach (var nb in _neighbours)
                    if (queued.Add(nb.Account)) queue.Enqueue(nb.Account);
            }
        }
        foreach (var label in touched)
        {
            if (Due(label)) Assess(label);
            else LiftTouched(label);
        }
        // A large pass (a campaign of thousands relabelled at once) would otherwise pin its collections' capacity.
        if (queued.EnsureCapacity(0) > KeepAtMost) { queued.Clear(); queued.TrimExcess(); }
        if (touched.EnsureCapacity(0) > KeepAtMost) { touched.Clear(); touched.TrimExcess(); }
        if (queue.Count == 0 && queue.EnsureCapacity(0) > KeepAtMost) queue.TrimExcess();
        return work;
    }

    /// <summary>
    /// Share of a campaign's members that must change (relabelled, joined, left) before it is re-assessed in full
    /// during incremental reconciliation. Re-assessing costs O(members); deferring it until an eighth of them changed
    /// keeps the cost per change constant for campaigns of thousands of accounts. Members touched meanwhile are lifted
    /// with the campaign's last assessment, so detection is not delayed.
    /// </summary>
    public const int ReassessFraction = 8;

    private void Changed(int label) => _changes[label] = _changes.GetValueOrDefault(label) + 1;

    private bool Due(int label)
    {
        if (!_campaigns.TryGetValue(label, out var c)) return true;
        int size = _members.TryGetValue(label, out var set) ? set.Count : 0;
        if (size < _model.Options.MinCampaignAccounts) return true;
        return _changes.GetValueOrDefault(label) * ReassessFraction >= Math.Max(c.Members.Count, size);
    }

    private void LiftTouched(int label)
    {
        if (!_campaigns.TryGetValue(label, out var c) || !_touchedMembers.TryGetValue(label, out var accounts)) return;
        foreach (var a in accounts)
        {
            var m = _profile(a);
            if (m.Label != label) continue;
            m.Risk = MathF.Max(m.OwnRisk, RiskModel.Lift(c.Risk, m.TemplateLink, m.InfrastructureLink, m.OwnContent));
            MemberUpdated?.Invoke(m);
        }
    }

    /// <summary>Recomputes every community from scratch, deterministically, and re-assesses all campaigns.</summary>
    public void Recompute()
    {
        var candidates = new List<AccountProfile>();
        for (int i = 0; i < _count(); i++)
        {
            var p = _profile(i);
            if (p.Candidate) candidates.Add(p);
            else p.Label = -1; // associates are re-attached when their campaign is assessed
        }
        candidates.Sort(static (x, y) => string.CompareOrdinal(x.AccountId, y.AccountId));
        // Sums of float weights depend on the order they are added in, and dense account indexes follow the order
        // accounts first appeared. Everything summed below therefore runs in account-id order (`ordinal`), so the
        // result is the same for any arrival order of the log and for merged partitions of it.
        var ordinal = new int[_count()];
        Array.Fill(ordinal, int.MaxValue);
        for (int i = 0; i < candidates.Count; i++) ordinal[candidates[i].Index] = i;
        _members.Clear();
        _campaigns.Clear();
        _dirty.Clear();
        _changes.Clear();
        foreach (var p in candidates) SetLabel(p, p.Index);

        // Adjacency is read once: label propagation passes re-read it many times.
        var adjacency = new Dictionary<int, Neighbour[]>(candidates.Count);
        foreach (var p in candidates)
        {
            _graph.Neighbours(p, _model.Options.EdgeThreshold, _neighbours, _keys);
            var row = _neighbours.ToArray();
            Array.Sort(row, (a, b) => ordinal[a.Account].CompareTo(ordinal[b.Account]));
            adjacency[p.Index] = row;
        }
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            bool changed = false;
            foreach (var p in candidates)
            {
                int label = Choose(p, adjacency[p.Index]);
                if (label != p.Label) { SetLabel(p, label); changed = true; }
            }
            if (!changed) break;
        }
        MergeByInfrastructure(candidates);
        foreach (var p in candidates) SetLinks(p, adjacency[p.Index]);
        foreach (var label in _members.Keys.OrderBy(l => ordinal[l]).ToList()) Assess(label, ordinal);
    }

    /// <summary>
    /// Infrastructure links per member of the smaller community needed to merge two communities
    /// (<see cref="MergeByInfrastructure"/>).
    /// </summary>
    public const float MergeDensity = 0.3f;

    /// <summary>Share of a campaign's risk lent to an account that shares a payment method with its members but sent no extraction content itself.</summary>
    public const float PaymentAssociateFactor = 0.85f;

    /// <summary>
    /// Second level of community detection: label propagation finds tight cells (accounts on one payment card, one
    /// proxy exit); cells joined by dense network or registry links (not mere template reuse, which unrelated
    /// operators share) belong to one operation. The infrastructure weight between cells A and B is
    /// Σ over shared infrastructure indicators k of w(k) × nA(k) × nB(k), where nX(k) counts the members of X holding k
    /// (the sum of the infrastructure edge weights between their members, computed from the members' own indicators,
    /// so it does not depend on how many holders a posting list stores). Cells merge when it reaches
    /// <see cref="MergeDensity"/> × min(|A|, |B|). Deterministic: pairs are visited in account-id order and a merged
    /// campaign keeps the label whose owner has the smallest account id.
    /// </summary>
    private void MergeByInfrastructure(List<AccountProfile> candidates)
    {
        // Holders of each linking infrastructure indicator, per cell, and per organisation within the cell: pairs of
        // accounts of one organisation are not links (CampaignGraph.SameOrganisationFactor).
        var holders = new Dictionary<ulong, Dictionary<int, CellHolders>>();
        foreach (var p in candidates)
        {
            for (int i = 0; i < p.IndicatorCount; i++)
            {
                ulong key = p.IndicatorKeys[i];
                if (!IndicatorKey.IsInfrastructure(key)) continue;
                if (!holders.TryGetValue(key, out var cells)) holders[key] = cells = new Dictionary<int, CellHolders>();
                if (!cells.TryGetValue(p.Label, out var cell)) cells[p.Label] = cell = new CellHolders();
                cell.Count++;
                if (p.OrgKey != 0) (cell.ByOrg ??= new Dictionary<ulong, int>())[p.OrgKey] = cell.ByOrg.GetValueOrDefault(p.OrgKey) + 1;
            }
        }
        var cross = new Dictionary<(int, int), float>();
        var labels = new List<(int Label, CellHolders Holders)>();
        foreach (var (key, cells) in holders)
        {
            if (cells.Count < 2 || !_index.TryGetPosting(key, out var posting) || posting.Popular) continue;
            float w = _graph.KeyWeight(key, posting);
            if (w <= 0) continue;
            labels.Clear();
            foreach (var (label, cell) in cells) labels.Add((label, cell));
            for (int i = 0; i < labels.Count; i++)
                for (int j = i + 1; j < labels.Count; j++)
                {
                    var (la, ha) = labels[i];
                    var (lb, hb) = labels[j];
                    long pairs = (long)ha.Count * hb.Count, sameOrg = 0;
                    if (ha.ByOrg is not null && hb.ByOrg is not null)
                        foreach (var (org, n) in ha.ByOrg) sameOrg += (long)n * hb.ByOrg.GetValueOrDefault(org);
                    float weight = w * ((pairs - sameOrg) + sameOrg * CampaignGraph.SameOrganisationFactor);
                    if (weight <= 0) continue;
                    var pair = la < lb ? (la, lb) : (lb, la);
                    cross[pair] = cross.GetValueOrDefault(pair) + weight;
                }
        }
        if (cross.Count == 0) return;
        var parent = new Dictionary<int, int>();
        int Find(int l)
        {
            while (parent.TryGetValue(l, out var up) && up != l) l = up;
            return l;
        }
        string Owner(int l) => _profile(l).AccountId;
        foreach (var ((a, b), raw) in cross.OrderBy(kv => Owner(kv.Key.Item1), StringComparer.Ordinal).ThenBy(kv => Owner(kv.Key.Item2), StringComparer.Ordinal))
        {
            float w = MathF.Round(raw, 4);
            int sizeA = _members.TryGetValue(a, out var ma) ? ma.Count : 1, sizeB = _members.TryGetValue(b, out var mb) ? mb.Count : 1;
            if (w < MergeDensity * Math.Min(sizeA, sizeB)) continue;
            int ra = Find(a), rb = Find(b);
            if (ra == rb) continue;
            if (string.CompareOrdinal(Owner(ra), Owner(rb)) <= 0) parent[rb] = ra; else parent[ra] = rb;
        }
        foreach (var p in candidates)
        {
            int root = Find(p.Label);
            if (root != p.Label) SetLabel(p, root);
        }
    }

    private sealed class CellHolders
    {
        public int Count;
        public Dictionary<ulong, int>? ByOrg;
    }

    /// <summary>The campaign a member belongs to, if its community is large enough.</summary>
    public Campaign? CampaignOf(AccountProfile p) => p.Label >= 0 && _campaigns.TryGetValue(p.Label, out var c) ? c : null;

    private int Relabel(AccountProfile p)
    {
        _graph.Neighbours(p, _model.Options.EdgeThreshold, _neighbours, _keys, CampaignGraph.IncrementalPostingSample);
        int label = Choose(p, _neighbours);
        if (label != p.Label) SetLabel(p, label);
        SetLinks(p, _neighbours);
        return label;
    }

    private int Choose(AccountProfile p, IReadOnlyList<Neighbour> neighbours)
    {
        if (neighbours.Count == 0) return p.Index;
        _labelScores.Clear();
        foreach (var nb in neighbours)
        {
            int l = _profile(nb.Account).Label;
            if (l < 0) l = nb.Account;
            _labelScores[l] = _labelScores.TryGetValue(l, out var s) ? s + nb.Weight : nb.Weight;
        }
        int best = -1;
        float bestScore = float.MinValue;
        foreach (var (label, raw) in _labelScores)
        {
            float score = MathF.Round(raw, 4);
            if (score > bestScore || (score == bestScore && Prefer(label, best, p.Label)))
            {
                best = label;
                bestScore = score;
            }
        }
        return best;
    }

    private bool Prefer(int candidate, int incumbent, int current)
    {
        if (candidate == current) return true;
        if (incumbent == current) return false;
        return string.CompareOrdinal(_profile(candidate).AccountId, _profile(incumbent).AccountId) < 0;
    }

    /// <summary>
    /// Link strength to the account's own community: the sum of edge weights (cohesion), and the strongest single
    /// infrastructure and template ties. Membership uses the strongest ties, so many weak coincidences (a shared client
    /// library, a popular prompt) never add up to an operator tie.
    /// </summary>
    private void SetLinks(AccountProfile p, IReadOnlyList<Neighbour> neighbours)
    {
        float sum = 0, infra = 0, template = 0;
        foreach (var nb in neighbours)
        {
            if (_profile(nb.Account).Label != p.Label) continue;
            sum += nb.Weight;
            infra = MathF.Max(infra, nb.InfrastructureWeight);
            template = MathF.Max(template, nb.Weight - nb.InfrastructureWeight);
        }
        p.LinkStrength = sum;
        p.InfrastructureLink = infra;
        p.TemplateLink = template;
    }

    private void SetLabel(AccountProfile p, int label)
    {
        if (p.Label >= 0 && _members.TryGetValue(p.Label, out var old))
        {
            old.Remove(p.Index);
            if (old.Count == 0) _members.Remove(p.Label);
        }
        p.Label = label;
        if (!_members.TryGetValue(label, out var set)) _members[label] = set = new HashSet<int>();
        set.Add(p.Index);
    }

    /// <summary>Assesses a community as a campaign, or dissolves it when it has fewer members than a campaign needs.</summary>
    /// <param name="label">The community.</param>
    /// <param name="ordinal">Account-id rank of each candidate (from <see cref="Recompute"/>): the order members are
    /// assessed in; null for dense-index order during incremental reconciliation.</param>
    private void Assess(int label, int[]? ordinal = null)
    {
        _changes.Remove(label);
        if (!_members.TryGetValue(label, out var set) || set.Count < _model.Options.MinCampaignAccounts)
        {
            bool had = _campaigns.Remove(label);
            if (set is not null)
                foreach (var i in set)
                {
                    var p = _profile(i);
                    if (had || p.Risk != p.OwnRisk) { p.Risk = p.OwnRisk; MemberUpdated?.Invoke(p); }
                }
            return;
        }
        var c = new Campaign { Label = label };
        foreach (var i in ordinal is null ? set.Order() : set.OrderBy(i => ordinal[i])) c.Members.Add(_profile(i));
        CampaignAssessor.Assess(c, _model, _index, _scratch);
        _campaigns[label] = c;
        foreach (var m in c.Members)
        {
            float lifted = RiskModel.Lift(c.Risk, m.TemplateLink, m.InfrastructureLink, m.OwnContent);
            m.Risk = MathF.Max(m.OwnRisk, lifted);
            MemberUpdated?.Invoke(m);
        }
        if (c.Verdict == Verdict.Attack) AttachPaymentAssociates(c);
    }

    /// <summary>
    /// Accounts outside the graph (no extraction content of their own, such as a hydra's relay-only accounts) that pay
    /// with a card or payment method of an attack campaign's members belong to the same operator: they join the
    /// campaign as associates and inherit <see cref="PaymentAssociateFactor"/> of its risk.
    /// </summary>
    private void AttachPaymentAssociates(Campaign c)
    {
        // Reused between calls; a card shared by many members is read once, not once per member holding it.
        var seen = _associatesSeen;
        var cards = _cardsRead;
        seen.Clear();
        cards.Clear();
        foreach (var m in c.Members)
        {
            for (int i = 0; i < m.IndicatorCount; i++)
            {
                ulong key = m.IndicatorKeys[i];
                if (IndicatorKey.KindOf(key) != IndicatorKind.Payment || !cards.Add(key)) continue;
                if (!_index.TryGetPosting(key, out var posting) || posting.Popular) continue;
                foreach (var b in posting.Accounts)
                {
                    var p = _profile(b);
                    if (p.Candidate || !seen.Add(b)) continue;
                    c.Associates.Add(p);
                    p.Risk = MathF.Max(p.OwnRisk, c.Risk * PaymentAssociateFactor);
                    p.Label = c.Label;
                    MemberUpdated?.Invoke(p);
                }
            }
        }
        c.Associates.Sort(static (x, y) => string.CompareOrdinal(x.AccountId, y.AccountId));
        if (seen.EnsureCapacity(0) > KeepAtMost) { seen.Clear(); seen.TrimExcess(); }
        if (cards.EnsureCapacity(0) > KeepAtMost) { cards.Clear(); cards.TrimExcess(); }
    }
}
