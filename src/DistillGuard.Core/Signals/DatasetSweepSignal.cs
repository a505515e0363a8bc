namespace DistillGuard.Core.Signals;

/// <summary>
/// <c>DATASET_SWEEP</c>: the prompt contains an item of a public benchmark or instruction dataset (GSM8K, MATH,
/// HumanEval, MBPP, BBH, MT-Bench, Arena-Hard, AlpacaEval, Self-Instruct seeds, BFCL, ToolBench, …), found through the
/// reference index of anchor shingles. Sweeping such datasets is how harvesters collect answers on known prompts,
/// but evaluation harnesses do the same, so this signal is context: it never counts as extraction on its own.
/// </summary>
public sealed class DatasetSweepSignal : IExchangeSignal
{
    /// <inheritdoc />
    public SignalKind Kind => SignalKind.DatasetSweep;

    /// <inheritdoc />
    public IReadOnlyList<Phrase> Phrases => [];

    /// <inheritdoc />
    public float Evaluate(in SignalInput input) => input.Context.ReferenceDataset is null ? 0f
        : input.Context.ReferenceHits >= 3 ? 0.7f : 0.55f;
}
