using System.Buffers;
using DistillGuard.Cluster.Batches;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.Ingest.Formats;
using Orleans.Concurrency;

namespace DistillGuard.Cluster.Analysis;

/// <summary>The analysis worker (<see cref="IAnalysisGrain"/>): one analyzer per activation, with the built-in reference indexes.</summary>
[StatelessWorker]
public sealed class AnalysisGrain : Grain, IAnalysisGrain
{
    private static readonly Lazy<(ReferenceIndex Reference, ReferenceIndex Public)> Indexes =
        new(() => (ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates()));

    private readonly ExchangeAnalyzer _analyzer = new(new SignalPipeline(SignalPipeline.DefaultSignals()), Indexes.Value.Reference, Indexes.Value.Public);
    private readonly ExchangeParser _parser = new();
    private readonly Exchange _exchange = new();
    private readonly ExchangeAnalysis _analysis = new();

    /// <inheritdoc />
    public Task<byte[]> Analyze(ExchangeBatch batch)
    {
        if (batch.Kind != BatchKind.Exchanges) throw new ArgumentException("only exchange batches are analysed", nameof(batch));
        var output = new ArrayBufferWriter<byte>(batch.Count * 128 + 64);
        ExchangeBatchCodec.ForEachLine(batch.Payload, (line, _, _) =>
        {
            var span = output.GetSpan(ExchangeAnalysisCodec.MaxBytes);
            if (_parser.Parse(line, _exchange) is not null || _exchange.AccountId.IsEmpty)
            {
                output.Advance(ExchangeAnalysisCodec.WriteMissing(span));
                return;
            }
            _analyzer.Analyze(_exchange, _analysis);
            output.Advance(ExchangeAnalysisCodec.Write(_analysis, span));
        });
        return Task.FromResult(output.WrittenSpan.ToArray());
    }
}
