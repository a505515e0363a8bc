using DistillGuard.Cluster.Batches;

namespace DistillGuard.Cluster.Analysis;

/// <summary>
/// The stateless part of detection (parsing, normalisation, signals, MinHash bands, reference look-ups) as a
/// stateless worker: Orleans runs as many activations per silo as it has cores, on whichever silo takes the call, so
/// this work spreads over the cluster while the detector that keeps the state stays one writer.
/// </summary>
public interface IAnalysisGrain : IGrainWithIntegerKey
{
    /// <summary>Analyses every line of an exchange batch.</summary>
    /// <param name="batch">An <see cref="BatchKind.Exchanges"/> entry.</param>
    /// <param name="detector">The detector the batch is for (its reference index is fetched from it once, when not built in).</param>
    /// <param name="referenceId">The detector's <see cref="Detector.DetectorSettings.ReferenceId"/>: 0 for the built-in reference index.</param>
    /// <returns>The analyses, one per line in order, encoded by <see cref="Core.Analysis.ExchangeAnalysisCodec"/>.</returns>
    /// <exception cref="ArgumentException">The entry is not an exchange batch.</exception>
    /// <exception cref="InvalidOperationException">The detector has no such reference index.</exception>
    Task<byte[]> Analyze(ExchangeBatch batch, string detector, ulong referenceId);
}
