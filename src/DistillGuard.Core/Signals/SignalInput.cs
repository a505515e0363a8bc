using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Signals;

/// <summary>What a signal sees of one exchange.</summary>
public readonly ref struct SignalInput
{
    /// <summary>Creates the input.</summary>
    public SignalInput(Exchange exchange, ReadOnlySpan<char> prompt, int userStart, ReadOnlySpan<PhraseHit> hits,
        IReadOnlyList<Phrase> phrases, in ExchangeContext context)
    {
        Exchange = exchange;
        Prompt = prompt;
        UserStart = userStart;
        Hits = hits;
        Phrases = phrases;
        Context = context;
    }

    /// <summary>The parsed exchange (structure, sampling parameters, usage).</summary>
    public Exchange Exchange { get; }

    /// <summary>
    /// The normalised prompt: system text, then user text (earlier turns first, the newest last), segments separated
    /// by <c>'\n'</c>, which never occurs inside normalised text.
    /// </summary>
    public ReadOnlySpan<char> Prompt { get; }

    /// <summary>Offset in <see cref="Prompt"/> where user text begins (everything before it is system text).</summary>
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
