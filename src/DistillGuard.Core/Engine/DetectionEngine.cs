using System.Numerics;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Campaigns;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Registries;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;
using DistillGuard.Core.Similarity;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Engine;

/// <summary>The verdict state of an account after an exchange, for hosts that act on it (the gateway).</summary>
/// <param name="Account">The account's profile (live object: read, do not keep across threads).</param>
/// <param name="Risk">Risk 0–100 after campaign lift.</param>
/// <param name="Verdict">Current verdict.</param>
/// <param name="TopSignal">The strongest extraction signal of this exchange, if it was a hit.</param>
public readonly record struct ExchangeOutcome(AccountProfile Account, float Risk, Verdict Verdict, SignalKind? TopSignal);

/// <summary>
/// The incremental detection engine: ingest → signals → profiles → campaigns → verdicts, one exchange at a time, with
/// bounded work per exchange. The CLI scan, the gateway and the cluster all host this one engine.
/// </summary>
/// <remarks>
/// <para>Per exchange: the analyzer scores the signals and derives template keys; the account's profile absorbs it;
/// new indicators update document frequencies and, for candidate accounts (those with extraction evidence), the
/// posting lists that reveal shared indicators. Every <see cref="EngineOptions.ReconcileInterval"/> exchanges the
/// communities touched since the last reconciliation are re-labelled and re-assessed. <c>first_flagged_at</c> is the
/// stream time at which an account first reached <c>attack</c> in this order.</para>
/// <para>Not thread-safe: a host serialises calls (one worker, or a lock).</para>
/// </remarks>
public sealed partial class DetectionEngine
{
    private readonly EngineOptions _options;
    private readonly ExchangeAnalyzer _analyzer;
    private readonly ReferenceIndex _publicTemplates;
    private readonly ExchangeAnalysis _ownAnalysis = new();
    private ExchangeAnalysis _analysis;
    private readonly RiskModel _model;
    private readonly AccountAssessment _assessment = new();
    private readonly IndicatorIndex _index;
    private readonly SignatureRegistry _signatures = new();
    private readonly ModelRegistry _models = new();
    private readonly CampaignGraph _graph;
    private readonly CommunityTracker _communities;
    private readonly List<AccountProfile> _profiles = new();
    private readonly Dictionary<string, AccountProfile> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountProfile>.AlternateLookup<ReadOnlySpan<char>> _byIdSpan;
    private readonly ulong[] _newKeys = new ulong[ProfileUpdater.MaxNewKeys];
    private readonly bool[] _recurring = new bool[ExchangeAnalysis.MaxTemplateKeys];
    private readonly bool[] _recurringInLog = new bool[ExchangeAnalysis.MaxTemplateKeys]; // with a census: recurs anywhere, public or not
    private TemplateCounter? _templates; // one-pass recurrence; released by UseCensus
    private LogCensus? _census;
    private readonly Dictionary<string, string> _registryValues = new(StringComparer.Ordinal);
    private long _sinceReconcile;
    private long _promptDisplayStamp = -1; // ExchangeCount of the exchange _promptDisplay was made from
    private string? _promptDisplay;

    /// <summary>Characters of redacted text shown for a shared system prompt or prompt template.</summary>
    public const int TemplateExcerptLength = 100;

    /// <summary>Recent occurrences (across all accounts) that make a prompt skeleton a template.</summary>
    public const int TemplateThreshold = 3;

    /// <summary>Creates an engine.</summary>
    public DetectionEngine(EngineOptions? options = null)
    {
        _options = options ?? new EngineOptions();
        var signals = _options.Signals ?? SignalPipeline.DefaultSignals();
        Reference = _options.Reference ?? ReferenceIndex.LoadBuiltIn();
        _publicTemplates = _options.PublicTemplates ?? ReferenceIndex.LoadPublicTemplates();
        _analyzer = new ExchangeAnalyzer(new SignalPipeline(signals), Reference, _publicTemplates);
        _model = new RiskModel(_options.Scoring, _options.DisposableDomains ?? DisposableDomains.BuiltIn);
        _index = new IndicatorIndex(_options.PostingCap);
        _templates = new TemplateCounter(_options.TemplateCounterWidth);
        _graph = new CampaignGraph(_index, i => _profiles[i], () => _profiles.Count);
        _communities = new CommunityTracker(i => _profiles[i], () => _profiles.Count, _graph, _model, _index)
        {
            MemberUpdated = ApplyVerdict,
        };
        _byIdSpan = _byId.GetAlternateLookup<ReadOnlySpan<char>>();
        _analysis = _ownAnalysis;
    }

    /// <summary>
    /// A new analyzer with this engine's signals and reference indexes, for hosts that analyse exchanges ahead of the
    /// engine on other threads (<see cref="Process(Exchange, ExchangeAnalysis, string?, long)"/>); one per thread.
    /// </summary>
    public ExchangeAnalyzer CreateAnalyzer() => new(new SignalPipeline(_options.Signals ?? SignalPipeline.DefaultSignals()), Reference, _publicTemplates);

    /// <summary>The options in use.</summary>
    public EngineOptions Options => _options;

    /// <summary>The reference index in use.</summary>
    public ReferenceIndex Reference { get; }

    /// <summary>The risk model in use.</summary>
    public RiskModel Model => _model;

    /// <summary>The indicator index (document frequencies and candidate posting lists).</summary>
    public IndicatorIndex Indicators => _index;

    /// <summary>Accounts known (from exchanges or the accounts file).</summary>
    public int AccountCount => _profiles.Count;

    /// <summary>Exchanges processed.</summary>
    public long ExchangeCount { get; private set; }

    /// <summary>Latest exchange time seen (Unix ms): the engine's notion of "now".</summary>
    public long StreamClockMs { get; private set; }

    /// <summary>Earliest exchange time seen (Unix ms), or 0.</summary>
    public long StreamStartMs { get; private set; }

    /// <summary>Every account profile, in order of first appearance.</summary>
    public IReadOnlyList<AccountProfile> Accounts => _profiles;

    /// <summary>Bytes held by the reasoning-signature registry (ring and index; at most 500,000 signatures, about 12 MB), for measurements.</summary>
    public long SignatureRegistryBytes => _signatures.SizeBytes;

    /// <summary>Assessed multi-account communities, keyed by label.</summary>
    public IReadOnlyDictionary<int, Campaign> Campaigns => _communities.Campaigns;

    /// <summary>The account with id <paramref name="accountId"/>, or null.</summary>
    public AccountProfile? Find(ReadOnlySpan<char> accountId) => _byIdSpan.TryGetValue(accountId, out var p) ? p : null;

    /// <summary>The campaign an account belongs to, or null.</summary>
    public Campaign? CampaignOf(AccountProfile p) => _communities.CampaignOf(p);

    /// <summary>
    /// Adds or updates registry facts about an account (the accounts file, or a registry lookup). The payment
    /// fingerprint and the organisation id are kept only as hashes (indicator keys); the other facts are kept, with
    /// their few distinct values shared between accounts.
    /// </summary>
    public AccountProfile RegisterAccount(AccountMetadata metadata)
    {
        var p = Resolve(metadata.AccountId);
        p.Metadata = metadata with
        {
            AccountId = p.AccountId,
            PaymentFingerprint = null,
            OrgId = null,
            EmailDomain = Shared(metadata.EmailDomain),
            Tier = Shared(metadata.Tier),
            Program = Shared(metadata.Program),
            Country = Shared(metadata.Country),
        };
        if (!string.IsNullOrEmpty(metadata.OrgId)) p.OrgKey = Hash64.Of(metadata.OrgId);
        int n = 0;
        if (!string.IsNullOrEmpty(metadata.PaymentFingerprint))
            n = AddMetaKey(p, IndicatorKey.Of(IndicatorKind.Payment, metadata.PaymentFingerprint), n);
        if (!string.IsNullOrEmpty(metadata.EmailDomain))
        {
            var domain = metadata.EmailDomain.ToLowerInvariant();
            n = AddMetaKey(p, IndicatorKey.Of(IndicatorKind.EmailDomain, domain), n);
            if (metadata.CreatedAtMs is long created)
                n = AddMetaKey(p, IndicatorKey.Of(IndicatorKind.CreationBurst, $"{domain}@{created / 3_600_000}"), n);
        }
        RegisterNewKeys(p, n, null);
        return p;
    }

    /// <summary>Processes one exchange.</summary>
    /// <param name="x">The exchange; its account id must not be empty.</param>
    /// <param name="source">Where it came from (file name), used to name evidence when the exchange has no id.</param>
    /// <param name="line">Line number in <paramref name="source"/>.</param>
    /// <exception cref="ArgumentException">The exchange has no account id.</exception>
    public ExchangeOutcome Process(Exchange x, string? source = null, long line = 0)
    {
        if (x.AccountId.IsEmpty) throw new ArgumentException("The exchange has no account id.", nameof(x));
        _analyzer.Analyze(x, _ownAnalysis);
        return Process(x, _ownAnalysis, source, line);
    }

    /// <summary>Processes one exchange already analysed by <see cref="ExchangeAnalyzer.Analyze(Exchange, ExchangeAnalysis)"/>.</summary>
    /// <param name="x">The exchange; its account id must not be empty.</param>
    /// <param name="analysis">Its analysis (completed here with the registry facts; valid until the next call).</param>
    /// <param name="source">Where it came from (file name), used to name evidence when the exchange has no id.</param>
    /// <param name="line">Line number in <paramref name="source"/>.</param>
    /// <exception cref="ArgumentException">The exchange has no account id.</exception>
    public ExchangeOutcome Process(Exchange x, ExchangeAnalysis analysis, string? source = null, long line = 0)
    {
        if (x.AccountId.IsEmpty) throw new ArgumentException("The exchange has no account id.", nameof(x));
        _analysis = analysis;
        var p = _byIdSpan.TryGetValue(x.AccountId, out var found) ? found : Resolve(x.AccountId.ToString());
        long ts = x.TimestampMs;
        if (ExchangeCount == 0 || ts < StreamStartMs) StreamStartMs = ts;
        if (ts > StreamClockMs) StreamClockMs = ts;
        ExchangeCount++;

        // Reasoning signatures: classify those sent back, then remember those issued.
        int other = 0, same = 0;
        if (_census is not null)
        {
            // The census knows every issuance in the log, earlier or later than this exchange.
            if (x.RequestSignatureCount > 0)
            {
                ulong self = Hash64.Of(p.AccountId);
                foreach (var sig in x.RequestSignatures)
                    if (_census.TryGetIssuer(sig, out var issuer)) { if (issuer == self) same++; else other++; }
            }
        }
        else
        {
            foreach (var sig in x.RequestSignatures)
            {
                switch (_signatures.CheckReplay(sig, p.Index))
                {
                    case SignatureRelation.OtherAccount: other++; break;
                    case SignatureRelation.SameAccount: same++; break;
                }
            }
            foreach (var sig in x.ResponseSignatures)
            {
                int replayer = _signatures.RecordIssued(sig, p.Index);
                if (replayer >= 0) CreditLateReplay(_profiles[replayer]);
            }
        }

        if (other + same > 0) _analyzer.ApplyRegistry(x, other, same, _analysis);
        bool newModel = _models.Observe(x.Model, ts);
        if (_census is null)
        {
            for (int i = 0; i < _analysis.TemplateKeyCount; i++)
                _recurring[i] = _templates!.Increment(_analysis.TemplateKeys[i]) >= TemplateThreshold && !_analysis.IsPublicKey(i);
        }
        else
        {
            for (int i = 0; i < _analysis.TemplateKeyCount; i++)
            {
                _recurringInLog[i] = _census.Recurring(_analysis.TemplateKeys[i]);
                _recurring[i] = _recurringInLog[i] && !_analysis.IsPublicKey(i);
            }
        }
        if (p.OrgKey == 0 && !x.OrgId.IsEmpty) p.OrgKey = Hash64.Of(x.OrgId);
        int n = ProfileUpdater.Apply(p, x, _analysis, newModel, _recurring, _newKeys);

        bool hit = _analysis.IsExtractionHit;
        // New keys first: an account promoted by this exchange then posts each of them once, in Promote.
        RegisterNewKeys(p, n, x);
        if (!p.Candidate && hit) Promote(p, x);
        if (p.Candidate)
        {
            // With a census, content is counted for every key recurring in the log, from the first exchange: also where
            // this exchange's frame is public (a band can be shared by a public and a private prompt), else the count
            // would depend on whether a holder had already created the posting.
            for (int i = 0; i < _analysis.TemplateKeyCount; i++)
                _index.CountContent(_analysis.TemplateKeys[i], _analysis.TopScore, create: _census is not null && _recurringInLog[i]);
            if ((p.Exchanges & 7) == 1) FillDisplays(p, x);
            p.Evidence!.CountHour(ts);
            if (hit && _options.Evidence != EvidenceMode.None && p.Evidence.Wants(_analysis.TopSignal, _analysis.TopScore))
                p.Evidence.Offer(MakeExample(x, source, line));
            if (hit || p.Exchanges % 16 == 0) Rescore(p);
            if (n > 0 || DueForReview(p.Exchanges)) _communities.MarkDirty(p.Index);
        }

        if (++_sinceReconcile >= _options.ReconcileInterval)
        {
            _sinceReconcile = 0;
            _communities.Reconcile(_options.ReconcileBudget);
        }
        return new ExchangeOutcome(p, p.Risk, p.Verdict, hit ? _analysis.TopSignal : null);
    }

    /// <summary>Scores of the last processed exchange's signals, 0–1, indexed by <see cref="SignalKind"/> (valid until the next call).</summary>
    public ReadOnlySpan<float> LastScores => _analysis.Scores;

    /// <summary>Runs every pending incremental reconciliation without a work budget.</summary>
    public void Flush()
    {
        while (_communities.DirtyCount > 0) _communities.Reconcile(int.MaxValue);
    }

    /// <summary>
    /// Ends the stream: recomputes all communities deterministically from the final state and settles every verdict.
    /// Accounts that first reach <c>attack</c> here are flagged at the final stream time.
    /// </summary>
    public void Finish()
    {
        foreach (var p in _profiles)
        {
            if (p.Candidate) Rescore(p);
            else
            {
                p.OwnRisk = _model.Assess(p, _index, _assessment).OwnRisk;
                p.OwnContent = _assessment.Content;
                p.Risk = p.OwnRisk;
                ApplyVerdict(p);
            }
        }
        _communities.Recompute();
    }

    /// <summary>Assesses an account afresh (for reports): content, behaviour and infrastructure features.</summary>
    public AccountAssessment Assess(AccountProfile p) => _model.Assess(p, _index);

    /// <summary>One instance per distinct registry value (domains, tiers, programmes, countries: few, shared by many accounts).</summary>
    private string? Shared(string? value)
    {
        if (value is null) return null;
        if (_registryValues.TryGetValue(value, out var shared)) return shared;
        _registryValues[value] = value;
        return value;
    }

    private AccountProfile Resolve(string accountId)
    {
        if (_byId.TryGetValue(accountId, out var p)) return p;
        p = new AccountProfile(accountId, _profiles.Count);
        _profiles.Add(p);
        _byId[accountId] = p;
        return p;
    }

    private int AddMetaKey(AccountProfile p, ulong key, int n)
    {
        if (p.AddIndicator(key)) _newKeys[n++] = key;
        return n;
    }

    private void RegisterNewKeys(AccountProfile p, int n, Exchange? x)
    {
        for (int i = 0; i < n; i++)
        {
            ulong key = _newKeys[i];
            _index.CountAccount(key);
            // Registry keys (payment, e-mail domain, creation burst) are indexed for every account, so accounts that
            // share a payment method with a campaign can be found even when they sent no extraction content.
            if (p.Candidate || IndicatorKey.IsRegistry(key)) Post(key, p, x);
        }
    }

    private void Promote(AccountProfile p, Exchange? x)
    {
        p.Candidate = true;
        p.Evidence = new Evidence();
        var keys = new List<ulong>();
        CampaignGraph.KeysOf(p, keys);
        // Registry keys (payment, e-mail domain, creation burst) were posted for every account at registration.
        foreach (var key in keys) if (!IndicatorKey.IsRegistry(key)) Post(key, p, x);
        _communities.MarkDirty(p.Index);
    }

    private void Rescore(AccountProfile p)
    {
        var a = _model.Assess(p, _index, _assessment);
        p.OwnRisk = a.OwnRisk;
        p.OwnContent = a.Content;
        var campaign = _communities.CampaignOf(p);
        p.Risk = campaign is null ? p.OwnRisk : MathF.Max(p.OwnRisk, RiskModel.Lift(campaign.Risk, p.TemplateLink, p.InfrastructureLink, p.OwnContent));
        ApplyVerdict(p);
    }

    private void ApplyVerdict(AccountProfile p)
    {
        p.Verdict = _model.VerdictOf(p.Risk);
        if (p.Verdict >= Verdict.Suspicious && p.FirstSuspiciousAtMs == 0) p.FirstSuspiciousAtMs = StreamClockMs;
        if (p.Verdict == Verdict.Attack && p.FirstFlaggedAtMs == 0) p.FirstFlaggedAtMs = StreamClockMs;
    }

    /// <summary>
    /// Whether an account whose indicators did not change is due for re-labelling after its <paramref name="exchanges"/>-th
    /// exchange: every 64 exchanges while young, then each time its count grows by another sixteenth, so a heavy account
    /// costs O(log n) reviews rather than O(n).
    /// </summary>
    internal static bool DueForReview(long exchanges)
    {
        long step = Math.Max(64, (long)BitOperations.RoundUpToPowerOf2((ulong)exchanges + 1) / 16);
        return exchanges % step == 0;
    }

    private void CreditLateReplay(AccountProfile replayer)
    {
        // A replay seen before the issuance it replays (out-of-order partitions): credit it now.
        replayer.Hits[(int)SignalKind.ReasoningReplay]++;
        replayer.ScoreSum[(int)SignalKind.ReasoningReplay] += 0.9f;
        replayer.ExtractionHits++;
        if (!replayer.Candidate) Promote(replayer, null);
        Rescore(replayer);
    }

    private void Post(ulong key, AccountProfile p, Exchange? x)
    {
        if (!_index.AddPosting(key, p.Index, out var posting)) return;
        // Display text is kept only for shared indicators (the ones reports show); a prompt template's excerpt is
        // the largest thing the engine holds per indicator.
        if (!posting.HasDisplay && (posting.AccountTotal >= 2 || !IndicatorKey.IsTemplate(key))) posting.Display = Display(key, p, x);
    }

    private void FillDisplays(AccountProfile p, Exchange x)
    {
        for (int i = 0; i < p.IndicatorCount; i++) FillDisplay(p.IndicatorKeys[i], p, x);
        for (int i = 0; i < _analysis.TemplateKeyCount; i++) FillDisplay(_analysis.TemplateKeys[i], p, x);
    }

    private void FillDisplay(ulong key, AccountProfile p, Exchange x)
    {
        if (_index.TryGetPosting(key, out var posting) && !posting.HasDisplay && posting.AccountTotal >= 2) posting.Display = Display(key, p, x);
    }

    private bool InCurrentExchange(ulong key)
    {
        for (int i = 0; i < _analysis.TemplateKeyCount; i++) if (_analysis.TemplateKeys[i] == key) return true;
        return false;
    }

    private string? Display(ulong key, AccountProfile p, Exchange? x)
    {
        var kind = IndicatorKey.KindOf(key);
        switch (kind)
        {
            case IndicatorKind.Payment:
                return "payment:" + IndicatorKey.Hex(key);
            case IndicatorKind.EmailDomain:
                return p.Metadata?.EmailDomain?.ToLowerInvariant();
            case IndicatorKind.CreationBurst:
                return p.Metadata is { EmailDomain: { } d, CreatedAtMs: long c }
                    ? $"{d.ToLowerInvariant()} created {DateTimeOffset.FromUnixTimeMilliseconds(c / 3_600_000 * 3_600_000):yyyy-MM-dd HH}:00Z"
                    : null;
        }
        if (x is null) return null;
        if (IndicatorKey.IsTemplate(key) && !InCurrentExchange(key)) return null;
        switch (kind)
        {
            case IndicatorKind.Ip:
                return IndicatorKey.Of(IndicatorKind.Ip, x.ClientIp) == key ? x.ClientIp.ToString() : null;
            case IndicatorKind.Network:
            {
                Span<char> net = stackalloc char[64];
                int len = IndicatorKey.NetworkOf(x.ClientIp, net);
                return len > 0 && IndicatorKey.Of(IndicatorKind.Network, net[..len]) == key ? net[..len].ToString() : null;
            }
            case IndicatorKind.UserAgent:
                return IndicatorKey.Of(IndicatorKind.UserAgent, x.UserAgent) == key ? Truncate(x.UserAgent, 120) : null;
            case IndicatorKind.ToolSet:
                return $"tool set of {x.ToolCount} tools";
            case IndicatorKind.SystemTemplate:
                return _options.Evidence == EvidenceMode.None ? "system prompt " + IndicatorKey.Hex(key) : "system: " + Redactor.Excerpt(FirstText(x, MessageRole.System), TemplateExcerptLength);
            case IndicatorKind.PromptTemplate:
                if (_options.Evidence == EvidenceMode.None) return "prompt template " + IndicatorKey.Hex(key);
                // The bands of one prompt share one excerpt string.
                if (_promptDisplayStamp != ExchangeCount)
                {
                    _promptDisplay = "prompt: " + Redactor.Excerpt(LastText(x, MessageRole.User), TemplateExcerptLength);
                    _promptDisplayStamp = ExchangeCount;
                }
                return _promptDisplay;
        }
        return null;
    }

    private EvidenceExample MakeExample(Exchange x, string? source, long line)
    {
        string id = !x.Id.IsEmpty ? x.Id.ToString() : source is null ? $"line {line}" : $"{source}:{line}";
        var text = LastText(x, MessageRole.User);
        if (text.IsEmpty) text = FirstText(x, MessageRole.System);
        return new EvidenceExample(id, x.TimestampMs, _analysis.TopSignal, _analysis.TopScore, Redactor.Excerpt(text));
    }

    private static ReadOnlySpan<char> LastText(Exchange x, MessageRole role)
    {
        var segs = x.Segments;
        for (int i = segs.Length - 1; i >= 0; i--) if (segs[i].Role == role) return x.Text(segs[i]);
        return default;
    }

    private static ReadOnlySpan<char> FirstText(Exchange x, MessageRole role)
    {
        foreach (var s in x.Segments) if (s.Role == role) return x.Text(s);
        return default;
    }

    private static string Truncate(ReadOnlySpan<char> s, int max) => s.Length <= max ? s.ToString() : s[..max].ToString() + "…";
}
