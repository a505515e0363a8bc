using System.Runtime.CompilerServices;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Signals;

/// <summary>
/// Runs every <see cref="IExchangeSignal"/> on one exchange: one Aho–Corasick pass over the normalised prompt for all
/// lexicons together, then each signal's <see cref="IExchangeSignal.Evaluate"/> on its own hits.
/// </summary>
/// <remarks>Immutable and thread-safe; per-call buffers are on the stack or passed in.</remarks>
public sealed class SignalPipeline
{
    /// <summary>Most phrase hits considered per exchange.</summary>
    public const int MaxHits = 512;

    private readonly IExchangeSignal[] _signals;
    private readonly PhraseMatcher _matcher;
    private readonly int[] _patternSignal;   // global pattern → signal slot
    private readonly int[] _patternLocal;    // global pattern → index in that signal's Phrases
    private readonly IExchangeSignal[] _registrySignals;

    /// <summary>The default signal set: one detector per <see cref="SignalKind"/>.</summary>
    public static IExchangeSignal[] DefaultSignals() =>
    [
        new CotElicitationSignal(), new SyntheticDataSignal(), new JudgePromptSignal(), new ToolTraceHarvestSignal(),
        new LogprobHarvestSignal(), new ReasoningReplaySignal(), new ClassifierEvasionSignal(), new DatasetSweepSignal(),
    ];

    /// <summary>Builds the pipeline and its shared phrase automaton.</summary>
    /// <exception cref="ArgumentException">Two detectors claim the same <see cref="SignalKind"/>.</exception>
    public SignalPipeline(IEnumerable<IExchangeSignal> signals)
    {
        _signals = signals.ToArray();
        if (_signals.Select(s => s.Kind).Distinct().Count() != _signals.Length)
            throw new ArgumentException("Each signal kind may have one detector only.", nameof(signals));
        _registrySignals = _signals.Where(s => s.UsesRegistry).ToArray();
        if (_registrySignals.Any(s => s.Phrases.Count > 0))
            throw new ArgumentException("A signal that uses the registries may not have phrases.", nameof(signals));
        var patterns = new List<string>();
        var owner = new List<int>();
        var local = new List<int>();
        for (int s = 0; s < _signals.Length; s++)
        {
            var phrases = _signals[s].Phrases;
            for (int i = 0; i < phrases.Count; i++)
            {
                var text = phrases[i].Text;
                bool stem = text.EndsWith('*');
                var folded = TextNormalizer.Normalize(stem ? text[..^1] : text);
                if (folded.Length == 0) throw new ArgumentException($"{_signals[s].Kind} phrase \"{text}\" is empty after normalisation.", nameof(signals));
                patterns.Add(stem ? folded + "*" : folded);
                owner.Add(s);
                local.Add(i);
            }
        }
        _matcher = new PhraseMatcher(patterns);
        _patternSignal = owner.ToArray();
        _patternLocal = local.ToArray();
    }

    /// <summary>The detectors, in evaluation order.</summary>
    public IReadOnlyList<IExchangeSignal> Signals => _signals;

    /// <summary>
    /// Re-scores the signals that depend on the engine's registries (<see cref="IExchangeSignal.UsesRegistry"/>) once the
    /// registry facts are known; the other scores in <paramref name="scores"/> are left as they are.
    /// </summary>
    /// <returns>True when a score changed.</returns>
    public bool EvaluateRegistry(Exchange exchange, in ExchangeContext context, Span<float> scores)
    {
        bool changed = false;
        foreach (var signal in _registrySignals)
        {
            var input = new SignalInput(exchange, default, 0, default, signal.Phrases, context);
            float score = Math.Clamp(signal.Evaluate(input), 0f, 1f);
            changed |= scores[(int)signal.Kind] != score;
            scores[(int)signal.Kind] = score;
        }
        return changed;
    }

    /// <summary>Scores one exchange.</summary>
    /// <param name="exchange">The exchange.</param>
    /// <param name="prompt">Normalised prompt: system part, then user part from <paramref name="userStart"/> (see <see cref="SignalInput.UserText"/>).</param>
    /// <param name="userStart">Offset of the user text in <paramref name="prompt"/>.</param>
    /// <param name="context">Registry and reference look-ups.</param>
    /// <param name="scores">Receives one score (0–1) per <see cref="SignalKind"/>, indexed by its value; length ≥ <see cref="SignalKinds.Count"/>.</param>
    public void Evaluate(Exchange exchange, ReadOnlySpan<char> prompt, int userStart, in ExchangeContext context, Span<float> scores) =>
        Evaluate(exchange, prompt, userStart, context, scores, default, false);

    /// <summary>
    /// Finds the lexicon phrases in a normalised text (all signals' lexicons in one pass). Texts joined with a line
    /// break can be matched apart: no phrase spans a line break, and a line break is a word boundary.
    /// </summary>
    /// <returns>Number of hits written (at most <see cref="MaxHits"/>).</returns>
    public int MatchPhrases(ReadOnlySpan<char> text, Span<PhraseHit> hits) => _matcher.Match(text, hits[..Math.Min(hits.Length, MaxHits)]);

    /// <summary>
    /// Scores one exchange whose system part (<c>prompt[..userStart]</c>, ending in a line break) was matched before
    /// with <see cref="MatchPhrases"/>: only the user part is matched now.
    /// </summary>
    /// <param name="exchange">The exchange.</param>
    /// <param name="prompt">Normalised prompt.</param>
    /// <param name="userStart">Offset of the user text in <paramref name="prompt"/>.</param>
    /// <param name="context">Registry and reference look-ups.</param>
    /// <param name="scores">Receives one score (0–1) per <see cref="SignalKind"/>.</param>
    /// <param name="systemHits">The phrase hits of the system part.</param>
    public void Evaluate(Exchange exchange, ReadOnlySpan<char> prompt, int userStart, in ExchangeContext context, Span<float> scores, ReadOnlySpan<PhraseHit> systemHits) =>
        Evaluate(exchange, prompt, userStart, context, scores, systemHits, true);

    // Two 6 KiB hit buffers per exchange: not zeroed (only the prefixes written here are read), which was ~2% of a scan.
    [SkipLocalsInit]
    private void Evaluate(Exchange exchange, ReadOnlySpan<char> prompt, int userStart, in ExchangeContext context, Span<float> scores, ReadOnlySpan<PhraseHit> systemHits, bool split)
    {
        scores[..SignalKinds.Count].Clear();
        Span<PhraseHit> all = stackalloc PhraseHit[MaxHits];
        int count;
        if (!split) count = _matcher.Match(prompt, all);
        else
        {
            count = Math.Min(systemHits.Length, MaxHits);
            systemHits[..count].CopyTo(all);
            int user = _matcher.Match(prompt[userStart..], all[count..]);
            for (int i = count; i < count + user; i++) all[i] = all[i] with { Start = all[i].Start + userStart, End = all[i].End + userStart };
            count += user;
        }
        Span<PhraseHit> mine = stackalloc PhraseHit[MaxHits];
        for (int s = 0; s < _signals.Length; s++)
        {
            var signal = _signals[s];
            int m = 0;
            if (signal.Phrases.Count > 0)
            {
                for (int i = 0; i < count; i++)
                {
                    var h = all[i];
                    if (_patternSignal[h.PatternId] == s) mine[m++] = h with { PatternId = _patternLocal[h.PatternId] };
                }
            }
            var input = new SignalInput(exchange, prompt, userStart, mine[..m], signal.Phrases, context);
            scores[(int)signal.Kind] = Math.Clamp(signal.Evaluate(input), 0f, 1f);
        }
    }
}
