namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>REASONING_REPLAY</c>: the request carries a thinking block, reasoning signature or encrypted reasoning that was
/// issued in a response to a different account. Signatures bind reasoning to the conversation that produced it;
/// moving them across accounts means reasoning harvested on one account is being replayed or laundered through
/// another. Sending back one's own signature (tool-use loops) is ordinary and scores nothing.
/// </summary>
/// <remarks>The issuing account is looked up by the engine in its signature registry and passed in <see cref="ExchangeContext"/>.</remarks>
public sealed class ReasoningReplaySignal : IExchangeSignal
{
    /// <inheritdoc />
    public SignalKind Kind => SignalKind.ReasoningReplay;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases => [];

    /// <inheritdoc />
    public bool UsesRegistry => true;

    /// <inheritdoc />
    public float Evaluate(in SignalInput input) => input.Context.ReplayedFromOtherAccounts switch
    {
        0 => 0f,
        1 => 0.9f,
        _ => 1f,
    };
}
