namespace DistillGuard.Core.Signals;

/// <summary>
/// A per-exchange detector: one small class per reason code. The engine runs every signal's lexicon in one shared
/// phrase pass, then calls <see cref="Evaluate"/> with the hits that belong to this signal.
/// </summary>
public interface IExchangeSignal
{
    /// <summary>The signal (and so the reason code) this detector produces.</summary>
    SignalKind Kind { get; }

    /// <summary>Phrases to find in the normalised prompt; empty for purely structural signals.</summary>
    IReadOnlyList<Phrase> Phrases { get; }

    /// <summary>
    /// True for a signal that depends on the engine's registries (<see cref="ExchangeContext.ReplayedFromOtherAccounts"/>)
    /// rather than on the exchange alone: it is evaluated again by <see cref="SignalPipeline.EvaluateRegistry"/> once the
    /// engine knows the registry facts, so the rest of the analysis can run on any thread ahead of the engine.
    /// Such a signal has no phrases.
    /// </summary>
    bool UsesRegistry => false;

    /// <summary>Scores one exchange.</summary>
    /// <returns>Evidence strength 0–1; 0 means no evidence. <see cref="SignalKinds.HitThreshold"/> and above counts as a hit.</returns>
    float Evaluate(in SignalInput input);
}
