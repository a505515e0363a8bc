using System.Collections.Concurrent;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cli.Scanning;

/// <summary>
/// The scan pipeline over pooled batches, so that every core has work and memory stays fixed whatever the input size:
/// <list type="number">
/// <item>a reader thread decompresses and parses lines into <see cref="Exchange"/> objects;</item>
/// <item>each batch is analysed once (normalisation, signals, MinHash, reference look-ups: the stateless part of
/// detection) by whichever thread claims it first: one of the <see cref="Analyzers"/> analysis threads, the reader
/// when <see cref="HelpBacklog"/> batches (the one it just read included) wait for the engine, or the engine thread
/// when it reaches a batch nobody has claimed;</item>
/// <item>the calling thread feeds the analysed exchanges to the engine in input order.</item>
/// </list>
/// On two cores there is no analysis thread: the reader and the engine share the analysis, so two threads keep two
/// cores busy without time-slicing a third (docs/performance.md). Batches carry sequence numbers and the engine consumes
/// them strictly in order, and analysis depends on the exchange alone, so the result does not depend on thread timing:
/// a scan is deterministic for its input.
/// </summary>
internal sealed class ScanPipeline
{
    /// <summary>Exchanges per batch.</summary>
    public const int BatchSize = 128;

    /// <summary>
    /// Default <see cref="HelpBacklog"/>: batches waiting for the engine, the one just read included, at which the
    /// reader analyses that one (2: an older batch still waits).
    /// </summary>
    public const int DefaultHelpBacklog = 2;

    /// <summary>A pooled batch of exchanges with their analyses and the claim on its analysis (internal for tests).</summary>
    internal sealed class Batch
    {
        public readonly Exchange[] Items = Enumerable.Range(0, BatchSize).Select(_ => new Exchange()).ToArray();
        public readonly ExchangeAnalysis[] Analyses = Enumerable.Range(0, BatchSize).Select(_ => new ExchangeAnalysis()).ToArray();
        public readonly string[] Sources = new string[BatchSize];
        public readonly long[] Lines = new long[BatchSize];
        public readonly ManualResetEventSlim Analysed = new(false);
        public int Count;
        public long Sequence;
        // 2 × sequence while published and unclaimed, 2 × sequence + 1 once claimed, −1 while being filled: a claim
        // names the use of the batch it was offered, so a late claim on a batch recycled since then fails.
        private long _claim = -1;

        /// <summary>Makes the batch claimable as batch number <paramref name="sequence"/>.</summary>
        public void Publish(long sequence)
        {
            Sequence = sequence;
            Volatile.Write(ref _claim, 2 * sequence);
        }

        /// <summary>Claims the analysis of batch number <paramref name="sequence"/>: true for exactly one caller per use of the batch.</summary>
        public bool TryClaim(long sequence) => Interlocked.CompareExchange(ref _claim, 2 * sequence + 1, 2 * sequence) == 2 * sequence;

        /// <summary>Readies a recycled batch for new exchanges.</summary>
        public void Reset()
        {
            Count = 0;
            Volatile.Write(ref _claim, -1);
            Analysed.Reset();
        }
    }

    private readonly ExchangeLogReader _reader;
    private readonly DetectionEngine _engine;

    /// <param name="reader">The input.</param>
    /// <param name="engine">The engine (used from the calling thread only).</param>
    /// <param name="analyzers">Dedicated analysis threads; default one per core beyond the two the reader and the engine use.</param>
    /// <param name="helpBacklog">Batches waiting for the engine, the one just read included, at or above which the reader
    /// analyses the batch it just read (<see cref="DefaultHelpBacklog"/>; 1: nearly always; <see cref="int.MaxValue"/>: never).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="analyzers"/> is negative or <paramref name="helpBacklog"/> is below 1.</exception>
    public ScanPipeline(ExchangeLogReader reader, DetectionEngine engine, int? analyzers = null, int helpBacklog = DefaultHelpBacklog)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(analyzers ?? 0, nameof(analyzers));
        ArgumentOutOfRangeException.ThrowIfLessThan(helpBacklog, 1);
        _reader = reader;
        _engine = engine;
        Analyzers = analyzers ?? Math.Max(0, Environment.ProcessorCount - 2);
        HelpBacklog = helpBacklog;
    }

    /// <summary>Time spent analysing (all threads) and in the engine, in stopwatch ticks.</summary>
    public long AnalysisTicks, EngineTicks;

    /// <summary>Batches analysed by the reader thread, by the engine thread and by the analysis threads.</summary>
    public long ReaderAnalysed, EngineAnalysed, WorkerAnalysed;

    /// <summary>Batches the reader handed on (after a cancel, the engine still consumes every one of them).</summary>
    public long Published;

    /// <summary>Number of dedicated analysis threads (0 on two cores or fewer).</summary>
    public int Analyzers { get; }

    /// <summary>Batches waiting for the engine (the one just read included) at or above which the reader also analyses.</summary>
    public int HelpBacklog { get; }

    /// <summary>Runs the scan to the end of the input.</summary>
    /// <param name="error">Receives malformed lines (called from the reader thread).</param>
    /// <param name="progress">Called on the engine thread after each batch.</param>
    /// <param name="cancel">Stops reading.</param>
    /// <exception cref="InvalidOperationException">The reader or an analysis thread failed.</exception>
    public void Run(Action<IngestError> error, Action progress, CancellationToken cancel) =>
        Run(error, progress, cancel, (x, a, source, line) => _engine.Process(x, a, source, line), templateKeysOnly: false);

    /// <summary>
    /// A census pass (<see cref="LogCensus"/>): batches are analysed for template keys only
    /// (<see cref="ExchangeAnalyzer.AnalyzeTemplateKeys"/>), and <paramref name="census"/> observes every exchange in input order.
    /// </summary>
    public void RunCensus(LogCensus census, CancellationToken cancel) =>
        Run(_ => { }, () => { }, cancel, (x, a, _, _) => census.Observe(x, a), templateKeysOnly: true);

    /// <summary>The pipeline with its last stage given: <paramref name="consume"/> receives every analysed exchange in input order, with its source and line, on one thread.</summary>
    private void Run(Action<IngestError> error, Action progress, CancellationToken cancel, Action<Exchange, ExchangeAnalysis, string, long> consume, bool templateKeysOnly)
    {
        int inFlight = 4 * (Analyzers + 2);
        using var free = new BlockingCollection<Batch>(inFlight);
        // Every parsed batch, in input order, to the engine; and, when there are analysis threads, to them as well.
        using var ordered = new BlockingCollection<Batch>(inFlight);
        using var work = new BlockingCollection<(Batch Batch, long Sequence)>(inFlight);
        var batches = Enumerable.Range(0, inFlight).Select(_ => new Batch()).ToList();
        foreach (var b in batches) free.Add(b);
        Exception? failure = null;
        // `failed`: a stage (or the engine) failed. `stop`: that, or the user cancelled; every stage stops reading or
        // claiming on it, so no thread stays blocked on a full queue. The engine waits for a batch another thread claimed
        // on `failed` only: after a user's cancel every claimed batch is still finished, and the engine drains them all.
        using var failed = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, failed.Token);

        void Analyse(Batch batch, ExchangeAnalyzer analyzer, ref long counter)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            if (templateKeysOnly)
                for (int j = 0; j < batch.Count; j++) analyzer.AnalyzeTemplateKeys(batch.Items[j], batch.Analyses[j]);
            else
                for (int j = 0; j < batch.Count; j++) analyzer.Analyze(batch.Items[j], batch.Analyses[j]);
            Interlocked.Add(ref AnalysisTicks, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
            Interlocked.Increment(ref counter);
            batch.Analysed.Set();
        }

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
                failed.Cancel();
            }
            finally
            {
                completed();
            }
        })
        { IsBackground = true, Name = name };

        var readerThread = Stage("distillguard-reader", () =>
        {
            var analyzer = _engine.CreateAnalyzer();
            Batch? current = null;
            long sequence = 0;
            void Publish(Batch batch)
            {
                long number = sequence++;
                batch.Publish(number);
                ordered.Add(batch, stop.Token);
                Interlocked.Increment(ref Published);
                if (Analyzers > 0) work.Add((batch, number), stop.Token);
                // The engine is behind (with the default, an older batch still waits): analyse this one here rather
                // than read further ahead. It is the newest, so the engine reaches it last; whoever comes first claims it.
                if (ordered.Count >= HelpBacklog && batch.TryClaim(number)) Analyse(batch, analyzer, ref ReaderAnalysed);
            }
            _reader.Run(
                rent: () =>
                {
                    if (current is null)
                    {
                        current = free.Take(stop.Token);
                        current.Reset();
                    }
                    return current.Items[current.Count];
                },
                deliver: (x, source, line) =>
                {
                    current!.Sources[current.Count] = source;
                    current.Lines[current.Count] = line;
                    if (++current.Count == BatchSize)
                    {
                        var full = current;
                        current = null;
                        Publish(full);
                    }
                },
                error,
                stop.Token);
            if (current is { Count: > 0 } && !stop.IsCancellationRequested) Publish(current);
        }, () =>
        {
            ordered.CompleteAdding();
            work.CompleteAdding();
        });

        var analysisThreads = Enumerable.Range(0, Analyzers).Select(i => Stage($"distillguard-analysis-{i}", () =>
        {
            var analyzer = _engine.CreateAnalyzer();
            foreach (var (batch, number) in work.GetConsumingEnumerable(stop.Token))
                if (batch.TryClaim(number)) Analyse(batch, analyzer, ref WorkerAnalysed);
        }, () => { })).ToList();

        readerThread.Start();
        foreach (var t in analysisThreads) t.Start();

        bool drained = false;
        try
        {
            ExchangeAnalyzer? analyzer = null;
            // Batches arrive in input order (the reader completes the queue however it ends); one claimed by another
            // thread is waited for, unless a stage fails meanwhile (its error is thrown below).
            foreach (var batch in ordered.GetConsumingEnumerable())
            {
                if (batch.TryClaim(batch.Sequence)) Analyse(batch, analyzer ??= _engine.CreateAnalyzer(), ref EngineAnalysed);
                else if (!WaitAnalysed(batch)) break;
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < batch.Count; i++) consume(batch.Items[i], batch.Analyses[i], batch.Sources[i], batch.Lines[i]);
                EngineTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
                free.Add(batch);
                progress();
            }
            drained = true;
        }
        finally
        {
            // On an engine failure, release the other stages before the exception leaves.
            if (!drained) failed.Cancel();
            readerThread.Join();
            foreach (var t in analysisThreads) t.Join();
            foreach (var b in batches) b.Analysed.Dispose();
        }
        if (failure is not null) throw new InvalidOperationException("The scan pipeline failed: " + failure.Message, failure);

        bool WaitAnalysed(Batch batch)
        {
            try
            {
                batch.Analysed.Wait(failed.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
