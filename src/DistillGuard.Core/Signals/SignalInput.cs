using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Signals;

/// <summary>What a signal sees of one exchange.</summary>
public readonly ref struct SignalInput
{
    /// <summary>Creates the input.</summary>
    /// <param name="exchange">The exchange.</param>
    /// <param name="prompt">The normalised prompt, system part then user part (only the user part is read).</param>
    /// <param name="userStart">Offset of the user part in <paramref name="prompt"/>.</param>
    /// <param name="hits">This signal's phrase hits, with offsets in <paramref name="prompt"/>.</param>
    /// <param name="phrases">This signal's phrases.</param>
    /// <param name="context">Registry and reference look-ups.</param>
    public SignalInput(Exchange exchange, ReadOnlySpan<char> prompt, int userStart, ReadOnlySpan<PhraseHit> hits,
        IReadOnlyList<Phrase> phrases, in ExchangeContext context)
    {
        Exchange = exchange;
        UserText = prompt[userStart..];
        UserStart = userStart;
        Hits = hits;
        Phrases = phrases;
        Context = context;
    }

    /// <summary>The parsed exchange (structure, sampling parameters, usage).</summary>
    public Exchange Exchange { get; }

    /// <summary>
    /// The normalised user text (earlier new turns first, the newest last), segments separated by <c>'\n'</c>, which
    /// never occurs inside normalised text. The system part is seen only through its phrase hits: its text is not
    /// materialised when the analyzer's system-prompt cache already holds its analysis.
    /// </summary>
    public ReadOnlySpan<char> UserText { get; }

    /// <summary>
    /// Offset of the user text in the coordinates of <see cref="Hits"/>: a hit with <c>Start &lt; UserStart</c> lies in
    /// the system prompt, any other at <c>Start - UserStart</c> in <see cref="UserText"/>.
    /// </summary>
    public int UserStart { get; }

    /// <summary>This signal's phrase hits; <see cref="PhraseHit.PatternId"/> indexes <see cref="Phrases"/>.</summary>
    public ReadOnlySpan<PhraseHit> Hits { get; }

    /// <summary>The signal's lexicon.</summary>
    public IReadOnlyList<Phrase> Phrases { get; }

    /// <summary>Cross-exchange facts the engine looked up before the signals ran.</summary>
    public ExchangeContext Context { get; }
}

/// <summary>Facts about an exchange that need engine state (registries, reference index), looked up once per exchange.</summary>
/// <param name="ReplayedFromOtherAccounts">Request signatures first issued in a response to a different account.</param>
/// <param name="ReplayedFromSameAccount">Request signatures issued to this same account (ordinary multi-turn use).</param>
/// <param name="ReferenceDataset">Name of the public dataset the prompt matched, or null.</param>
/// <param name="ReferenceHits">Anchor shingles of the matched dataset item found in the prompt.</param>
public readonly record struct ExchangeContext(int ReplayedFromOtherAccounts, int ReplayedFromSameAccount, string? ReferenceDataset, int ReferenceHits);
