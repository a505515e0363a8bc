using System.Collections.Concurrent;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cli.Scanning;

/// <summary>
/// Two-stage scan pipeline that uses both cores: a reader thread decompresses and parses lines into pooled batches of
/// <see cref="Exchange"/> objects; the calling thread feeds them to the engine. Batches are recycled, so memory stays
/// fixed whatever the input size.
/// </summary>
internal sealed class ScanPipeline
{
    /// <summary>Exchanges per batch.</summary>
    public const int BatchSize = 256;

    /// <summary>Batches in flight (bounds memory and read-ahead).</summary>
    public const int Batches = 8;

    private sealed class Batch
    {
        public readonly Exchange[] Items = Enumerable.Range(0, BatchSize).Select(_ => new Exchange()).ToArray();
        public readonly string[] Sources = new string[BatchSize];
        public readonly long[] Lines = new long[BatchSize];
        public int Count;
    }

    private readonly ExchangeLogReader _reader;
    private readonly DetectionEngine _engine;

    public ScanPipeline(ExchangeLogReader reader, DetectionEngine engine)
    {
        _reader = reader;
        _engine = engine;
    }

    /// <summary>Runs the scan to the end of the input.</summary>
    /// <param name="error">Receives malformed lines (called from the reader thread).</param>
    /// <param name="progress">Called on the engine thread after each batch.</param>
    /// <param name="cancel">Stops reading.</param>
    public void Run(Action<IngestError> error, Action progress, CancellationToken cancel)
    {
        using var full = new BlockingCollection<Batch>(Batches);
        using var free = new BlockingCollection<Batch>(Batches);
        for (int i = 0; i < Batches; i++) free.Add(new Batch());
        Exception? readerFailure = null;

        var readerThread = new Thread(() =>
        {
            Batch? current = null;
            try
            {
                _reader.Run(
                    rent: () =>
                    {
                        current ??= free.Take();
                        return current.Items[current.Count];
                    },
                    deliver: (x, source, line) =>
                    {
                        current!.Sources[current.Count] = source;
                        current.Lines[current.Count] = line;
                        if (++current.Count == BatchSize)
                        {
                            full.Add(current);
                            current = null;
                        }
                    },
                    error,
                    cancel);
                if (current is { Count: > 0 }) full.Add(current);
            }
            catch (Exception e)
            {
                readerFailure = e;
            }
            finally
            {
                full.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "distillguard-reader" };
        readerThread.Start();

        foreach (var batch in full.GetConsumingEnumerable())
        {
            for (int i = 0; i < batch.Count; i++) _engine.Process(batch.Items[i], batch.Sources[i], batch.Lines[i]);
            batch.Count = 0;
            free.Add(batch);
            progress();
        }
        readerThread.Join();
        if (readerFailure is not null) throw new InvalidOperationException("The log reader failed: " + readerFailure.Message, readerFailure);
    }
}
