using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.Core.Similarity;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Analysis;

/// <summary>
/// Turns one exchange into features in a single pass over its text: the normalised prompt, the signal scores, the
/// template keys (exact system-prompt and tool-set skeletons plus MinHash LSH bands of the prompt frame) and the
/// reference-dataset match. Allocation-free after warm-up.
/// </summary>
/// <remarks>
/// The prompt frame is the first and last <see cref="FrameEdgeTokens"/> tokens of the newest user message: templates
/// wrap a varying fill ("Solve: {problem} Show every step of your reasoning"), so their frames stay near-identical
/// while the fill changes. Its 3-token shingles are sketched with one-permutation MinHash
/// (<see cref="SignatureBins"/> bins) and cut into <see cref="Bands"/> LSH bands of <see cref="RowsPerBand"/> rows
/// (Indyk and Motwani, 1998; Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3): two frames with
/// Jaccard similarity J share at least one band with probability 1 − (1 − J²)⁸ (0.90 at J = 0.5, 0.28 at J = 0.2).
/// Not thread-safe: use one analyzer per worker.
/// </remarks>
public sealed class ExchangeAnalyzer
{
    /// <summary>LSH bands per frame signature.</summary>
    public const int Bands = 8;
    /// <summary>Rows (MinHash bins) per band.</summary>
    public const int RowsPerBand = 2;
    /// <summary>MinHash bins per frame signature.</summary>
    public const int SignatureBins = Bands * RowsPerBand;
    /// <summary>Tokens taken from each end of the newest user message to form the prompt frame.</summary>
    public const int FrameEdgeTokens = 12;
    /// <summary>Tokens per frame shingle (3: ideographs are single tokens, and 2-token shingles of common CJK words collide across unrelated prompts).</summary>
    public const int FrameShingleWidth = 3;

    /// <summary>Characters of system text analysed.</summary>
    public const int SystemCap = 4096;
    /// <summary>Characters analysed from each earlier user message, and in total.</summary>
    public const int EarlierUserCap = 512, EarlierUserTotal = 2048;
    /// <summary>Characters analysed from the head and the tail of the newest user message.</summary>
    public const int LastUserHead = 6144, LastUserTail = 2048;
    /// <summary>Characters of system text hashed into the system-template key.</summary>
    public const int SystemKeyChars = 2048;

    private const int MaxTokens = 4096;

    private readonly SignalPipeline _pipeline;
    private readonly ReferenceIndex _reference;
    private readonly ReferenceIndex _publicTemplates;
    private readonly char[] _prompt = new char[(SystemCap + EarlierUserTotal + LastUserHead + LastUserTail) * 2 + 64];
    private readonly ulong[] _tokens = new ulong[MaxTokens];
    private readonly ulong[] _shingles = new ulong[MaxTokens];
    private readonly ulong[] _frame = new ulong[FrameEdgeTokens * 2];
    private readonly uint[] _signature = new uint[SignatureBins];
    private readonly SystemPromptCache _systemCache = new();
    private readonly PhraseHit[] _systemHits = new PhraseHit[SignalPipeline.MaxHits];

    /// <summary>Creates an analyzer.</summary>
    /// <param name="pipeline">Signals.</param>
    /// <param name="reference">Public datasets (DATASET_SWEEP).</param>
    /// <param name="publicTemplates">Public prompt templates (their skeletons do not link accounts), or null for none.</param>
    public ExchangeAnalyzer(SignalPipeline pipeline, ReferenceIndex reference, ReferenceIndex? publicTemplates = null)
    {
        _pipeline = pipeline;
        _reference = reference;
        _publicTemplates = publicTemplates ?? ReferenceIndex.Empty;
    }



    /// <summary>
    /// Analyses <paramref name="x"/> into <paramref name="result"/> from the exchange alone (no registry facts: no
    /// reasoning replay). Safe to run ahead of the engine on another thread (one analyzer per thread); the engine
    /// completes the analysis with <see cref="ApplyRegistry"/>.
    /// </summary>
    public void Analyze(Exchange x, ExchangeAnalysis result) => Analyze(x, 0, 0, result);

    /// <summary>Completes an analysis with the engine's registry facts (reasoning signatures replayed across accounts).</summary>
    /// <param name="x">The analysed exchange.</param>
    /// <param name="replayedFromOther">Request signatures issued to other accounts.</param>
    /// <param name="replayedFromSame">Request signatures issued to the same account.</param>
    /// <param name="result">The analysis of <paramref name="x"/> from <see cref="Analyze(Exchange, ExchangeAnalysis)"/>.</param>
    public void ApplyRegistry(Exchange x, int replayedFromOther, int replayedFromSame, ExchangeAnalysis result)
    {
        var context = new ExchangeContext(replayedFromOther, replayedFromSame, result.ReferenceDataset, result.ReferenceHits);
        if (_pipeline.EvaluateRegistry(x, context, result.Scores)) result.Finish();
    }

    /// <summary>Analyses <paramref name="x"/> into <paramref name="result"/>.</summary>
    /// <param name="x">The exchange.</param>
    /// <param name="replayedFromOther">Request signatures issued to other accounts (from the engine's registry).</param>
    /// <param name="replayedFromSame">Request signatures issued to the same account.</param>
    /// <param name="result">Receives the features.</param>
    public void Analyze(Exchange x, int replayedFromOther, int replayedFromSame, ExchangeAnalysis result) =>
        Analyze(x, replayedFromOther, replayedFromSame, result, templatesOnly: false);

    /// <summary>
    /// Computes only <see cref="ExchangeAnalysis.TemplateKeys"/> (the same keys <see cref="Analyze(Exchange, ExchangeAnalysis)"/>
    /// computes), skipping the reference look-ups and the signals: what a census pass needs
    /// (<see cref="Engine.LogCensus.Observe"/>). The other fields of <paramref name="result"/> are not valid afterwards.
    /// </summary>
    public void AnalyzeTemplateKeys(Exchange x, ExchangeAnalysis result) => Analyze(x, 0, 0, result, templatesOnly: true);

    private void Analyze(Exchange x, int replayedFromOther, int replayedFromSame, ExchangeAnalysis result, bool templatesOnly)
    {
        var prompt = _prompt.AsSpan();
        int w = 0, promptChars = 0;

        // System text. User text counts only when it is new in this exchange (after the last assistant message): the
        // history was scored when it was sent, and re-scoring it at every turn of a session would inflate rates.
        // Applications send the same system prompt with every request, so its analysis (normalised text, phrase
        // hits, public-template test, template key) is cached by a hash of the raw text.
        int budget = SystemCap;
        int lastUser = -1, firstNewUser = -1;
        var segments = x.Segments;
        ulong systemHash = 0;
        bool hasSystem = false;
        for (int i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            if (seg.Role == MessageRole.User && seg.MessageIndex > x.LastAssistantMessage)
            {
                lastUser = i;
                if (firstNewUser < 0) firstNewUser = i;
            }
            if (seg.Role is MessageRole.System or MessageRole.User) promptChars += seg.Length;
            if (seg.Role != MessageRole.System || budget == 0) continue;
            var text = x.Text(seg);
            int take = Math.Min(text.Length, budget);
            systemHash = Hash64.Of(text[..take], (long)systemHash ^ 0x5157);
            hasSystem = true;
            budget -= take;
        }
        var cached = hasSystem ? _systemCache.Find(systemHash) : null;
        if (cached is not null)
        {
            // Everything read from the system part (its phrase hits, public-template test, key) is cached, so its text
            // is not written again: the user text starts where it would, after the separator a later Separate reads.
            w = cached.Length;
            if (w > 0) prompt[w - 1] = cached.LastChar;
        }
        else if (hasSystem)
        {
            budget = SystemCap;
            for (int i = 0; i < segments.Length && budget > 0; i++)
            {
                var seg = segments[i];
                if (seg.Role != MessageRole.System) continue;
                var text = x.Text(seg);
                int take = Math.Min(text.Length, budget);
                TextNormalizer.Append(text[..take], prompt, ref w);
                budget -= take;
                Separate(prompt, ref w);
            }
        }
        int userStart = w;

        // Earlier new user messages (heads only), then the newest user message (head and tail).
        budget = EarlierUserTotal;
        for (int i = Math.Max(0, firstNewUser); i < lastUser && budget > 0; i++)
        {
            var seg = segments[i];
            if (seg.Role != MessageRole.User) continue;
            var text = x.Text(seg);
            int take = Math.Min(Math.Min(text.Length, EarlierUserCap), budget);
            TextNormalizer.Append(text[..take], prompt, ref w);
            budget -= take;
            Separate(prompt, ref w);
        }
        int lastStart = w;
        if (lastUser >= 0)
        {
            var text = x.Text(segments[lastUser]);
            if (text.Length <= LastUserHead + LastUserTail) TextNormalizer.Append(text, prompt, ref w);
            else
            {
                TextNormalizer.Append(text[..LastUserHead], prompt, ref w);
                Separate(prompt, ref w);
                TextNormalizer.Append(text[^LastUserTail..], prompt, ref w);
            }
        }
        int lastEnd = w;

        // Public templates in the system prompt (its key then links nobody), the system template key and the system
        // part's phrase hits: from the cache, or computed and cached.
        result.SystemIsPublic = false;
        ulong systemKey = 0;
        ReadOnlySpan<PhraseHit> systemHits = default;
        if (cached is not null)
        {
            result.SystemIsPublic = cached.IsPublic;
            systemKey = cached.Key;
            systemHits = cached.Hits;
        }
        else if (userStart > 0)
        {
            if (_publicTemplates.AnchorCount > 0)
            {
                int st = Tokenizer.Hash(prompt[..userStart], _tokens);
                int ss = Shingles.Hash(_tokens.AsSpan(0, st), ReferenceIndex.ShingleWidth, _shingles);
                result.SystemIsPublic = _publicTemplates.Lookup(_shingles.AsSpan(0, ss)) is not null;
            }
            systemKey = IndicatorKey.Make(IndicatorKind.SystemTemplate, Hash64.Of(prompt[..Math.Min(userStart, SystemKeyChars)]));
            int hits = _pipeline.MatchPhrases(prompt[..userStart], _systemHits);
            systemHits = _systemHits.AsSpan(0, hits);
            if (_systemCache.Admit(systemHash)) _systemCache.Add(systemHash, userStart, prompt[userStart - 1], systemHits, result.SystemIsPublic, systemKey);
        }

        // Tokens of the newest user message: reference look-up and the template frame.

        int t = Tokenizer.Hash(prompt[lastStart..lastEnd], _tokens);
        ReferenceMatch? match = null;
        result.FrameIsPublic = false;
        if (t > 0 && !templatesOnly)
        {
            int s = Shingles.Hash(_tokens.AsSpan(0, t), ReferenceIndex.ShingleWidth, _shingles);
            match = _reference.Lookup(_shingles.AsSpan(0, s));
            if (_publicTemplates.AnchorCount > 0) result.FrameIsPublic = _publicTemplates.Lookup(_shingles.AsSpan(0, s)) is not null;
        }

        int k = 0;
        var keys = result.TemplateKeys;
        if (userStart > 0) keys[k++] = systemKey;
        if (x.ToolCount > 0) keys[k++] = IndicatorKey.Make(IndicatorKind.ToolSet, x.ToolSetHash);
        if (t > 0)
        {
            int f;
            if (t <= 2 * FrameEdgeTokens)
            {
                _tokens.AsSpan(0, t).CopyTo(_frame);
                f = t;
            }
            else
            {
                _tokens.AsSpan(0, FrameEdgeTokens).CopyTo(_frame);
                _tokens.AsSpan(t - FrameEdgeTokens, FrameEdgeTokens).CopyTo(_frame.AsSpan(FrameEdgeTokens));
                f = 2 * FrameEdgeTokens;
            }
            int fs = Shingles.Hash(_frame.AsSpan(0, f), FrameShingleWidth, _shingles);
            OnePermutationMinHash.Compute(_shingles.AsSpan(0, fs), _signature);
            for (int b = 0; b < Bands; b++)
            {
                ulong h = Hash64.Combine(Hash64.Combine((ulong)(b + 1), _signature[b * RowsPerBand]), _signature[b * RowsPerBand + 1]);
                keys[k++] = IndicatorKey.Make(IndicatorKind.PromptTemplate, h);
            }
        }
        result.TemplateKeyCount = k;
        if (templatesOnly) return;
        result.ReferenceDataset = match?.Dataset;
        result.ReferenceHits = match?.AnchorHits ?? 0;
        result.PromptChars = promptChars;
        result.InputTokens = x.PromptTokens > 0 ? x.PromptTokens : promptChars / 4 + 1;

        var context = new ExchangeContext(replayedFromOther, replayedFromSame, match?.Dataset, match?.AnchorHits ?? 0);
        _pipeline.Evaluate(x, prompt[..w], userStart, context, result.Scores, systemHits);
        result.Finish();
    }

    private static void Separate(Span<char> prompt, ref int w)
    {
        if (w > 0 && w < prompt.Length && prompt[w - 1] != '\n')
        {
            if (prompt[w - 1] == ' ') w--;
            prompt[w++] = '\n';
        }
    }
}
