using System.Buffers;
using DistillGuard.Cluster.Batches;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.Ingest.Formats;
using Orleans.Concurrency;

namespace DistillGuard.Cluster.Analysis;

/// <summary>
/// The analysis worker (<see cref="IAnalysisGrain"/>): an analyzer per reference index in use (the built-in one, and
/// those of detectors scanning with their own <c>--reference</c> files, fetched from the detector once and kept for
/// the few most recent).
/// </summary>
[StatelessWorker]
public sealed class AnalysisGrain : Grain, IAnalysisGrain
{
    /// <summary>Reference indexes kept per activation besides the built-in one.</summary>
    public const int CachedReferences = 4;

    private static readonly Lazy<(ReferenceIndex Reference, ReferenceIndex Public)> Indexes =
        new(() => (ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates()));

    private readonly ExchangeAnalyzer _builtIn = NewAnalyzer(Indexes.Value.Reference);
    private readonly List<(ulong Id, ExchangeAnalyzer Analyzer)> _custom = new();
    private readonly ExchangeParser _parser = new();
    private readonly Exchange _exchange = new();
    private readonly ExchangeAnalysis _analysis = new();

    private static ExchangeAnalyzer NewAnalyzer(ReferenceIndex reference) =>
        new(new SignalPipeline(SignalPipeline.DefaultSignals()), reference, Indexes.Value.Public);

    private async Task<ExchangeAnalyzer> AnalyzerFor(string detector, ulong referenceId)
    {
        if (referenceId == 0) return _builtIn;
        foreach (var (id, analyzer) in _custom) if (id == referenceId) return analyzer;
        var bytes = await GrainFactory.GetGrain<Detector.IDetectorGrain>(detector).Reference()
            ?? throw new InvalidOperationException($"detector {detector} has no custom reference index");
        var settings = new Detector.DetectorSettings { Reference = bytes };
        if (settings.ReferenceId != referenceId) throw new InvalidOperationException($"detector {detector}: its reference index is not the one the batch was analysed for");
        var created = NewAnalyzer(settings.LoadReference());
        if (_custom.Count == CachedReferences) _custom.RemoveAt(0);
        _custom.Add((referenceId, created));
        return created;
    }

    /// <inheritdoc />
    public async Task<byte[]> Analyze(ExchangeBatch batch, string detector, ulong referenceId)
    {
        if (batch.Kind != BatchKind.Exchanges) throw new ArgumentException("only exchange batches are analysed", nameof(batch));
        var analyzer = await AnalyzerFor(detector, referenceId);
        var output = new ArrayBufferWriter<byte>(batch.Count * 128 + 64);
        ExchangeBatchCodec.ForEachLine(batch.Payload, (line, _, _) =>
        {
            var span = output.GetSpan(ExchangeAnalysisCodec.MaxBytes);
            if (_parser.Parse(line, _exchange) is not null) // (an exchange without an account id does not parse)
            {
                output.Advance(ExchangeAnalysisCodec.WriteMissing(span));
                return;
            }
            analyzer.Analyze(_exchange, _analysis);
            output.Advance(ExchangeAnalysisCodec.Write(_analysis, span));
        });
        return output.WrittenSpan.ToArray();
    }
}
