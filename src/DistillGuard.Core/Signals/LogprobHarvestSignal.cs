namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>LOGPROB_HARVEST</c>: requests for the model's output distribution rather than an answer: <c>logprobs</c> with a
/// high <c>top_logprobs</c>, or many completions (<c>n</c>) at high temperature. Both give a student soft targets for
/// logit-matching distillation (Hinton, Vinyals and Dean, "Distilling the Knowledge in a Neural Network", 2015).
/// </summary>
/// <remarks>Evaluation harnesses ask for a few log-probabilities at temperature 0 to score multiple choice; that stays weak.</remarks>
public sealed class LogprobHarvestSignal : IExchangeSignal
{
    /// <inheritdoc />
    public SignalKind Kind => SignalKind.LogprobHarvest;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases => [];

    /// <inheritdoc />
    public float Evaluate(in SignalInput input)
    {
        var x = input.Exchange;
        float logprobs = 0f;
        if (x.Logprobs || x.TopLogprobs > 0)
        {
            logprobs = x.TopLogprobs switch
            {
                >= 15 => 0.9f,
                >= 10 => 0.75f,
                >= 6 => 0.55f,
                >= 1 => 0.2f,
                _ => 0.1f,
            };
        }
        float sampling = 0f;
        if (x.Choices > 1)
        {
            bool hot = !float.IsNaN(x.Temperature) && x.Temperature >= 0.8f;
            sampling = x.Choices switch
            {
                >= 8 => hot ? 0.85f : 0.4f,
                >= 4 => hot ? 0.7f : 0.3f,
                _ => hot ? 0.35f : 0.1f,
            };
        }
        return 1f - (1f - logprobs) * (1f - sampling);
    }
}
