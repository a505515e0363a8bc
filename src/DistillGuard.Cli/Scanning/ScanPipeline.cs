using System.Collections.Concurrent;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cli.Scanning;

/// <summary>
/// The scan pipeline, three stages over pooled batches so that every core has work and memory stays fixed whatever
/// the input size:
/// <list type="number">
/// <item>a reader thread decompresses and parses lines into <see cref="Exchange"/> objects;</item>
/// <item><see cref="Analyzers"/> analysis threads run the stateless part of detection (normalisation, signals,
/// MinHash, reference look-ups) on whole batches;</item>
/// <item>the calling thread feeds the analysed exchanges to the engine in input order.</item>
/// </list>
/// Batches carry sequence numbers and the engine consumes them strictly in order, so the result does not depend on
/// thread timing: a scan is deterministic for its input.
/// </summary>
internal sealed class ScanPipeline
{
    /// <summary>Exchanges per batch.</summary>
    public const int BatchSize = 128;

    private sealed class Batch
    {
        public readonly Exchange[] Items = Enumerable.Range(0, BatchSize).Select(_ => new Exchange()).ToArray();
        public readonly ExchangeAnalysis[] Analyses = Enumerable.Range(0, BatchSize).Select(_ => new ExchangeAnalysis()).ToArray();
        public readonly string[] Sources = new string[BatchSize];
        public readonly long[] Lines = new long[BatchSize];
        public int Count;
        public long Sequence;
    }

    private readonly ExchangeLogReader _reader;
    private readonly DetectionEngine _engine;

    /// <param name="reader">The input.</param>
    /// <param name="engine">The engine (used from the calling thread only).</param>
    /// <param name="analyzers">Analysis threads; default one per core beyond the first, at least one.</param>
    public ScanPipeline(ExchangeLogReader reader, DetectionEngine engine, int? analyzers = null)
    {
        _reader = reader;
        _engine = engine;
        Analyzers = Math.Max(1, analyzers ?? Environment.ProcessorCount - 1);
    }

    /// <summary>Time spent analysing (all analysis threads) and in the engine, in stopwatch ticks.</summary>
    public long AnalysisTicks, EngineTicks;

    /// <summary>Number of analysis threads.</summary>
    public int Analyzers { get; }

    /// <summary>Runs the scan to the end of the input.</summary>
    /// <param name="error">Receives malformed lines (called from the reader thread).</param>
    /// <param name="progress">Called on the engine thread after each batch.</param>
    /// <param name="cancel">Stops reading.</param>
    /// <exception cref="InvalidOperationException">The reader or an analysis thread failed.</exception>
    public void Run(Action<IngestError> error, Action progress, CancellationToken cancel) =>
        Run(error, progress, cancel, (x, a, source, line) => _engine.Process(x, a, source, line), templateKeysOnly: false);

    /// <summary>
    /// A census pass (<see cref="LogCensus"/>): the analysis threads compute only template keys
    /// (<see cref="ExchangeAnalyzer.AnalyzeTemplateKeys"/>), and <paramref name="census"/> observes every exchange in input order.
    /// </summary>
    public void RunCensus(LogCensus census, CancellationToken cancel) =>
        Run(_ => { }, () => { }, cancel, (x, a, _, _) => census.Observe(x, a), templateKeysOnly: true);

    /// <summary>The pipeline with its last stage given: <paramref name="consume"/> receives every analysed exchange in input order, with its source and line, on one thread.</summary>
    private void Run(Action<IngestError> error, Action progress, CancellationToken cancel, Action<Exchange, ExchangeAnalysis, string, long> consume, bool templateKeysOnly)
    {
        int inFlight = 4 * (Analyzers + 2);
        using var free = new BlockingCollection<Batch>(inFlight);
        using var parsed = new BlockingCollection<Batch>(inFlight);
        using var analysed = new BlockingCollection<Batch>(inFlight);
        for (int i = 0; i < inFlight; i++) free.Add(new Batch());
        Exception? failure = null;
        // Stops every stage when one fails (or the user cancels), so no thread stays blocked on a full queue.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        // A stage thread: a failure stops the others; cancellation ends it quietly; `completed` always runs.
        Thread Stage(string name, Action body, Action completed) => new(() =>
        {
            try
            {
                body();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failure ??= e;
                stop.Cancel();
            }
            finally
            {
                completed();
            }
        })
        { IsBackground = true, Name = name };

        var readerThread = Stage("distillguard-reader", () =>
        {
            Batch? current = null;
            long sequence = 0;
            _reader.Run(
                rent: () =>
                {
                    current ??= free.Take(stop.Token);
                    return current.Items[current.Count];
                },
                deliver: (x, source, line) =>
                {
                    current!.Sources[current.Count] = source;
                    current.Lines[current.Count] = line;
                    if (++current.Count == BatchSize)
                    {
                        current.Sequence = sequence++;
                        parsed.Add(current, stop.Token);
                        current = null;
                    }
                },
                error,
                stop.Token);
            if (current is { Count: > 0 } && !stop.IsCancellationRequested)
            {
                current.Sequence = sequence;
                parsed.Add(current, stop.Token);
            }
        }, parsed.CompleteAdding);

        int running = Analyzers;
        var analysisThreads = Enumerable.Range(0, Analyzers).Select(i => Stage($"distillguard-analysis-{i}", () =>
        {
            var analyzer = _engine.CreateAnalyzer();
            foreach (var batch in parsed.GetConsumingEnumerable(stop.Token))
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                if (templateKeysOnly)
                    for (int j = 0; j < batch.Count; j++) analyzer.AnalyzeTemplateKeys(batch.Items[j], batch.Analyses[j]);
                else
                    for (int j = 0; j < batch.Count; j++) analyzer.Analyze(batch.Items[j], batch.Analyses[j]);
                Interlocked.Add(ref AnalysisTicks, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
                analysed.Add(batch, stop.Token);
            }
        }, () =>
        {
            if (Interlocked.Decrement(ref running) == 0) analysed.CompleteAdding();
        })).ToList();

        readerThread.Start();
        foreach (var t in analysisThreads) t.Start();

        // Batches may finish analysis out of order when there are several analysis threads: hold them until their turn.
        var waiting = new Dictionary<long, Batch>();
        long next = 0;
        bool drained = false;
        try
        {
            foreach (var arrived in analysed.GetConsumingEnumerable())
            {
                waiting.Add(arrived.Sequence, arrived);
                while (waiting.Remove(next, out var batch))
                {
                    long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (int i = 0; i < batch.Count; i++) consume(batch.Items[i], batch.Analyses[i], batch.Sources[i], batch.Lines[i]);
                    EngineTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
                    batch.Count = 0;
                    free.Add(batch);
                    next++;
                    progress();
                }
            }
            drained = true;
        }
        finally
        {
            // On an engine failure, release the other stages before the exception leaves.
            if (!drained) stop.Cancel();
        }
        readerThread.Join();
        foreach (var t in analysisThreads) t.Join();
        if (failure is not null) throw new InvalidOperationException("The scan pipeline failed: " + failure.Message, failure);
    }
}
