using System.Text.Json;
using System.Threading.Channels;
using DistillGuard.Cluster.Analysis;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Client;
using DistillGuard.Cluster.Detector;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cluster.Scanning;

/// <summary>What a cluster scan returns besides the findings.</summary>
/// <param name="Findings">The findings, as the detector built them (not yet redacted).</param>
/// <param name="Status">The detector's status just before it finished: the silo it ended on and what it replayed.</param>
/// <param name="Retries">Submissions retried after a transient failure (a lost silo, a timeout).</param>
/// <param name="Entries">Log entries sent (settings, accounts, exchange batches).</param>
public sealed record ClusterScanResult(FindingsDocument Findings, DetectorStatus Status, int Retries, long Entries);

/// <summary>
/// Pushes an exchange log through a detector on the cluster: a reader thread validates and batches the lines (malformed
/// lines are reported here, with file and line, and never sent), the calling task submits the batches in order and
/// retries any submission that failed transiently until the cluster has recovered, then collects the findings.
/// </summary>
public sealed class ClusterScanClient : ScanClientBase
{
    /// <param name="grains">An Orleans client (or a grain factory inside a silo).</param>
    /// <param name="log">Receives one line per notable event (where the detector is, retries).</param>
    public ClusterScanClient(IGrainFactory grains, Action<string>? log = null) : base(grains, log)
    {
    }

    /// <summary>
    /// Batches analysed ahead by the cluster's stateless analysis workers (<see cref="IAnalysisGrain"/>) while the
    /// detector applies earlier ones; 0 to let the detector analyse (one silo's core does everything).
    /// </summary>
    public int AnalysisWindow { get; init; } = 4;

    /// <summary>Runs the scan.</summary>
    /// <param name="detector">The detector's key; it must not exist yet (a fresh job).</param>
    /// <param name="settings">Engine settings.</param>
    /// <param name="accounts">Registry facts (the accounts file), possibly empty.</param>
    /// <param name="reader">The exchange log.</param>
    /// <param name="error">Receives each malformed line (called from the reader thread).</param>
    /// <param name="input">Builds the input summary once reading ended.</param>
    /// <param name="includeBenign">List benign accounts too.</param>
    /// <param name="cancel">Stops the scan.</param>
    /// <exception cref="InvalidOperationException">The detector already exists, the cluster did not recover within <see cref="ScanClientBase.RetryFor"/>, or the reader failed.</exception>
    public async Task<ClusterScanResult> ScanAsync(string detector, DetectorSettings settings, IReadOnlyList<AccountMetadata> accounts,
        ExchangeLogReader reader, Action<IngestError> error, Func<InputSummary> input, bool includeBenign, CancellationToken cancel = default)
    {
        var grain = Grains.GetGrain<IDetectorGrain>(detector);
        var caller = NewCaller();
        var status = await caller.CallAsync(grain.Status, "status", cancel);
        if (status.Applied > 0)
            throw new InvalidOperationException($"detector {detector} already holds {status.Applied} log entries; use a new job name");
        Log($"detector {detector} is on silo {status.Silo}");

        long sequence = 0;
        await Submit(grain, new ExchangeBatch { Kind = BatchKind.Settings, Sequence = sequence++, Count = 1, Payload = settings.ToJson() }, caller, cancel);
        foreach (var chunk in AccountChunks(accounts))
            await Submit(grain, new ExchangeBatch { Kind = BatchKind.Accounts, Sequence = sequence++, Count = chunk.Length, Payload = ExchangeBatchCodec.EncodeAccounts(chunk) }, caller, cancel);

        var batches = Channel.CreateBounded<ExchangeBatch>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        long first = sequence;
        var readerTask = Task.Factory.StartNew(() =>
        {
            try
            {
                var builder = new ExchangeBatchBuilder();
                var x = new Exchange();
                long next = first;
                void Send() => batches.Writer.WriteAsync(builder.Build(next++), stop.Token).AsTask().GetAwaiter().GetResult();
                reader.Run(() => x, (_, line, source, number) =>
                {
                    builder.Add(line, source, number);
                    if (builder.Count >= BatchLines || builder.Bytes >= BatchBytes) Send();
                }, error, stop.Token);
                if (builder.Count > 0 && !stop.IsCancellationRequested) Send();
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                // (ReadAllAsync rethrows this exception as it is.)
                batches.Writer.Complete(e as OperationCanceledException ?? (Exception)new InvalidOperationException("reading the exchange log failed: " + e.Message, e));
            }
        }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        long exchanges = 0;
        ulong referenceId = settings.ReferenceId;
        async Task<byte[]?> Analyse(ExchangeBatch batch)
        {
            var worker = Grains.GetGrain<IAnalysisGrain>(batch.Sequence % 64);
            return await caller.CallAsync(() => worker.Analyze(batch, detector, referenceId), $"analysis of entry {batch.Sequence}", stop.Token);
        }
        // Batches in analysis on the workers (or, with no window, none), oldest first; the detector takes them in order.
        var ahead = new Queue<(ExchangeBatch Batch, Task<byte[]?> Analyses)>();
        async Task SubmitOldest()
        {
            var (batch, analysing) = ahead.Dequeue();
            var analyses = await analysing;
            await Submit(grain, analyses is null ? batch : batch.WithAnalyses(analyses), caller, stop.Token);
            sequence = batch.Sequence + 1;
            exchanges += batch.Count;
            Progress?.Invoke(exchanges);
        }
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token))
            {
                ahead.Enqueue((batch, AnalysisWindow <= 0 ? Task.FromResult<byte[]?>(null) : Analyse(batch)));
                while (ahead.Count > Math.Max(0, AnalysisWindow)) await SubmitOldest();
            }
            while (ahead.Count > 0) await SubmitOldest();
        }
        finally
        {
            stop.Cancel();
            await readerTask;
        }

        status = await caller.CallAsync(grain.Status, "status", cancel);
        var request = new FinishRequest { Input = JsonSerializer.SerializeToUtf8Bytes(input()), IncludeBenign = includeBenign };
        var bytes = await caller.CallAsync(() => grain.Finish(request), "finish", cancel);
        var findings = FindingsJson.Read(bytes);
        try
        {
            await grain.Delete();
        }
        catch (Exception e) when (RetryingCaller.IsTransient(e))
        {
            Log($"detector {detector}: its log could not be deleted ({e.Message}); it expires 24 h after its last append, or delete it by hand (docs/cluster.md)");
        }
        return new ClusterScanResult(findings, status, caller.Retries, sequence);
    }

    private static async Task Submit(IDetectorGrain grain, ExchangeBatch batch, RetryingCaller caller, CancellationToken cancel)
    {
        long applied = await caller.CallAsync(() => grain.Submit(batch), $"entry {batch.Sequence}", cancel);
        if (applied < batch.Sequence + 1)
            throw new InvalidOperationException($"the detector acknowledged entry {batch.Sequence} but holds only {applied} entries");
    }
}
