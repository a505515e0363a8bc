using System.Threading.Channels;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Client;
using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Partitions;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Similarity;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cluster.Scanning;

/// <summary>What a partitioned cluster scan returns besides the findings.</summary>
/// <param name="Findings">The findings of the merged partitions (not yet redacted).</param>
/// <param name="Partitions">Each partition's status once its state was fetched: the silo it ended on and what it replayed.</param>
/// <param name="Retries">Calls retried after a transient failure (a lost silo, a timeout).</param>
/// <param name="Entries">Log entries sent, over all partitions.</param>
/// <param name="CensusBytes">Size of the merged census sent to every partition, in bytes.</param>
/// <param name="StateBytes">Size of the partitions' states merged here, in bytes.</param>
public sealed record PartitionedScanResult(FindingsDocument Findings, IReadOnlyList<PartitionStatus> Partitions, int Retries, long Entries,
    long CensusBytes, long StateBytes);

/// <summary>
/// An order-independent scan split over the cluster by account (docs/design/0006-cluster-plan.md, "Stage 2"): map-reduce
/// over partition detectors (<see cref="IPartitionGrain"/>), each with its own durable log.
/// <list type="number">
/// <item>A reader thread validates the log (malformed lines are reported here, with file and line, and never sent) and
/// routes each line to partition <c>Hash64(account_id) mod n</c>; one task per partition submits its batches in order.
/// Each partition counts its exchanges into its part of the census as they arrive.</item>
/// <item>The client merges the census parts (<see cref="LogCensus.Merge"/>) and sends the merged census to every
/// partition (in the log, so that a partition that moves replays it); the partitions read their logs again into
/// engines that use it.</item>
/// <item>The client merges the partitions' engine states (<see cref="DetectionEngine.MergePartition"/>), finishes the
/// merged engine and builds the findings: the verdicts, scores and campaigns of <c>scan --order-independent</c> of the
/// same log.</item>
/// </list>
/// Every call is idempotent and retried after transient failures, so losing a silo midway loses nothing.
/// </summary>
public sealed class PartitionedScanClient : ScanClientBase
{
    /// <param name="grains">An Orleans client (or a grain factory inside a silo).</param>
    /// <param name="log">Receives one line per notable event (where partitions are, phases, retries).</param>
    public PartitionedScanClient(IGrainFactory grains, Action<string>? log = null) : base(grains, log)
    {
    }

    /// <summary>Called when a phase starts: "census", "second pass", "merge".</summary>
    public Action<string>? Phase { get; init; }

    /// <summary>The partition of an account: <c>Hash64(account_id) mod partitions</c>.</summary>
    public static int PartitionOf(ReadOnlySpan<char> accountId, int partitions) => (int)(Hash64.Of(accountId) % (ulong)partitions);

    /// <summary>Runs the scan.</summary>
    /// <param name="job">The job's name; partition detectors are <c>{job}/p0</c> …; none may exist yet.</param>
    /// <param name="partitions">Partitions, 1–1,024 (one per silo is the natural choice).</param>
    /// <param name="settings">Engine settings.</param>
    /// <param name="censusWidth">Census counters per row, a power of two ≥ 64 (size it as <c>scan --order-independent</c> does: about 9 per exchange).</param>
    /// <param name="accounts">Registry facts (the accounts file), possibly empty.</param>
    /// <param name="reader">The exchange log.</param>
    /// <param name="error">Receives each malformed line (called from the reader thread).</param>
    /// <param name="input">Builds the input summary once reading ended.</param>
    /// <param name="includeBenign">List benign accounts too.</param>
    /// <param name="cancel">Stops the scan.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> or <paramref name="censusWidth"/> out of range.</exception>
    /// <exception cref="InvalidOperationException">A partition already exists, the cluster did not recover within <see cref="ScanClientBase.RetryFor"/>, a partition
    /// refused an entry, the reader failed, a census part or state does not decode (client and silo versions differ), or the partitions hold
    /// another number of exchanges than were sent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public async Task<PartitionedScanResult> ScanAsync(string job, int partitions, DetectorSettings settings, int censusWidth,
        IReadOnlyList<AccountMetadata> accounts, ExchangeLogReader reader, Action<IngestError> error, Func<InputSummary> input, bool includeBenign,
        CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, 1024);
        if (censusWidth < 64 || !System.Numerics.BitOperations.IsPow2(censusWidth))
            throw new ArgumentOutOfRangeException(nameof(censusWidth), censusWidth, "a power of two of at least 64");
        var grains = Enumerable.Range(0, partitions).Select(p => Grains.GetGrain<IPartitionGrain>(IPartitionGrain.KeyOf(job, p))).ToArray();
        var caller = NewCaller();
        var sequences = new long[partitions];

        // Phase 1: settings, accounts and exchanges to each partition; each counts its census part.
        var statuses = await Task.WhenAll(grains.Select((g, p) => caller.CallAsync(g.Status, $"partition {p}: status", cancel)));
        for (int p = 0; p < partitions; p++)
        {
            if (statuses[p].Applied > 0)
                throw new InvalidOperationException($"partition {IPartitionGrain.KeyOf(job, p)} already holds {statuses[p].Applied} log entries; use a new job name");
        }
        Log($"job {job}: {partitions} partitions on silos {string.Join(", ", statuses.Select((s, p) => $"p{p}@{s.Silo}"))}");
        await Task.WhenAll(grains.Select((g, p) => Submit(g, p, new ExchangeBatch
        {
            Kind = BatchKind.Settings, Sequence = sequences[p]++, Count = 1,
            Payload = PartitionReplica.SettingsFor(settings, p, partitions, censusWidth).ToJson(),
        }, caller, cancel)));
        await SubmitAccounts(grains, accounts, sequences, caller, cancel);
        long exchanges = await SubmitExchanges(grains, reader, error, sequences, caller, cancel);

        // Phase 2: merge the census parts and send the merged census to every partition.
        Phase?.Invoke("census");
        LogCensus? census = null;
        for (int p = 0; p < partitions; p++)
        {
            var g = grains[p];
            var bytes = await Fetch(offset => g.CensusPart(offset), $"partition {p}: census part", caller, cancel)
                ?? throw new InvalidOperationException($"partition {p}: no census part");
            LogCensus part;
            try
            {
                part = LogCensus.FromBytes(bytes);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidOperationException($"partition {p}: its census part does not decode ({e.Message}); are client and silo versions the same?", e);
            }
            if (census is null) census = part;
            else census.Merge(part);
        }
        var censusBytes = census!.ToBytes();
        await Task.WhenAll(grains.Select(async (g, p) =>
        {
            for (int at = 0; at < censusBytes.Length; at += PartitionGrain.ChunkBytes)
            {
                int length = Math.Min(PartitionGrain.ChunkBytes, censusBytes.Length - at);
                await Submit(g, p, new ExchangeBatch
                {
                    Kind = BatchKind.Census, Sequence = sequences[p]++, Count = censusBytes.Length, Payload = censusBytes.AsSpan(at, length).ToArray(),
                }, caller, cancel);
            }
        }));

        // Phase 3: each partition reads its log again with the census; then merge their states here.
        Phase?.Invoke("second pass");
        await Task.WhenAll(grains.Select((g, p) => Prepare(g, p, caller, cancel)));
        Phase?.Invoke("merge");
        var options = settings.ToEngineOptions();
        var merged = new DetectionEngine(options);
        merged.UseCensus(census);
        long stateBytes = 0;
        for (int p = 0; p < partitions; p++)
        {
            var g = grains[p];
            int partition = p;
            byte[]? state;
            // A partition that moved (or was collected) since it was prepared answers "not prepared": prepare it again.
            while ((state = await Fetch(offset => g.State(offset), $"partition {p}: state", caller, cancel)) is null)
                await Prepare(g, partition, caller, cancel);
            stateBytes += state.Length;
            DetectionEngine part;
            try
            {
                part = PartitionStateCodec.Read(state, census, options);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidOperationException($"partition {p}: its state does not decode ({e.Message}); are client and silo versions the same?", e);
            }
            merged.MergePartition(part);
        }
        merged.Finish();
        var findings = FindingsBuilder.Build(merged, input(), new FindingsOptions { IncludeBenign = includeBenign });
        // Where each partition ended (after its state was fetched: a partition may have moved since it was prepared).
        var final = await Task.WhenAll(grains.Select((g, p) => caller.CallAsync(g.Status, $"partition {p}: status", cancel)));
        // Every line sent was validated here; a silo skips one only if client and silo versions differ (counted in the statuses).
        long skipped = final.Sum(s => s.RejectedLines);
        if (merged.ExchangeCount + skipped != exchanges || census.Exchanges + skipped != exchanges)
            throw new InvalidOperationException($"the partitions hold {merged.ExchangeCount} exchanges (census {census.Exchanges}, {skipped} skipped), but {exchanges} were sent");

        for (int p = 0; p < partitions; p++)
        {
            try
            {
                await grains[p].Delete().WaitAsync(CallTimeout, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The findings are built: a log left behind must not lose them.
                Log($"partition {IPartitionGrain.KeyOf(job, p)}: its log could not be deleted ({e.GetType().Name}: {e.Message}); it expires 24 h after its last append");
            }
        }
        return new PartitionedScanResult(findings, final, caller.Retries, sequences.Sum(), censusBytes.Length, stateBytes);
    }

    /// <summary>Calls <see cref="IPartitionGrain.Prepare"/> until the partition is prepared.</summary>
    private static async Task Prepare(IPartitionGrain grain, int partition, RetryingCaller caller, CancellationToken cancel)
    {
        while (!(await caller.CallAsync(grain.Prepare, $"partition {partition}: second pass", cancel)).Prepared)
        {
        }
    }

    private static async Task SubmitAccounts(IPartitionGrain[] grains, IReadOnlyList<AccountMetadata> accounts, long[] sequences, RetryingCaller caller, CancellationToken cancel)
    {
        var byPartition = Enumerable.Range(0, grains.Length).Select(_ => new List<AccountMetadata>()).ToArray();
        foreach (var m in accounts) byPartition[PartitionOf(m.AccountId, grains.Length)].Add(m);
        await Task.WhenAll(grains.Select(async (g, p) =>
        {
            foreach (var chunk in AccountChunks(byPartition[p]))
            {
                await Submit(g, p, new ExchangeBatch
                {
                    Kind = BatchKind.Accounts, Sequence = sequences[p]++, Count = chunk.Length, Payload = ExchangeBatchCodec.EncodeAccounts(chunk),
                }, caller, cancel);
            }
        }));
    }

    /// <summary>The reader thread routes lines into one batch stream per partition; one task per partition submits its stream in order.</summary>
    /// <returns>Exchanges acknowledged.</returns>
    private async Task<long> SubmitExchanges(IPartitionGrain[] grains, ExchangeLogReader reader, Action<IngestError> error, long[] sequences,
        RetryingCaller caller, CancellationToken cancel)
    {
        int n = grains.Length;
        var streams = Enumerable.Range(0, n)
            .Select(_ => Channel.CreateBounded<ExchangeBatch>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true })).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var first = sequences.ToArray();
        var readerTask = Task.Factory.StartNew(() =>
        {
            try
            {
                var builders = Enumerable.Range(0, n).Select(_ => new ExchangeBatchBuilder()).ToArray();
                var next = first.ToArray();
                var x = new Exchange();
                void Send(int p) => streams[p].Writer.WriteAsync(builders[p].Build(next[p]++), stop.Token).AsTask().GetAwaiter().GetResult();
                reader.Run(() => x, (e, line, source, number) =>
                {
                    int p = PartitionOf(e.AccountId, n);
                    builders[p].Add(line, source, number);
                    if (builders[p].Count >= BatchLines || builders[p].Bytes >= BatchBytes) Send(p);
                }, error, stop.Token);
                for (int p = 0; p < n && !stop.IsCancellationRequested; p++)
                    if (builders[p].Count > 0) Send(p);
                foreach (var s in streams) s.Writer.Complete();
            }
            catch (Exception e)
            {
                // (ReadAllAsync rethrows this exception as it is, in every drain.)
                var failure = e as OperationCanceledException ?? (Exception)new InvalidOperationException("reading the exchange log failed: " + e.Message, e);
                foreach (var s in streams) s.Writer.TryComplete(failure);
            }
        }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        long exchanges = 0;
        async Task Drain(int p)
        {
            try
            {
                await foreach (var batch in streams[p].Reader.ReadAllAsync(stop.Token))
                {
                    await Submit(grains[p], p, batch, caller, stop.Token);
                    sequences[p] = batch.Sequence + 1;
                    long acknowledged = Interlocked.Add(ref exchanges, batch.Count);
                    Progress?.Invoke(acknowledged);
                }
            }
            catch
            {
                stop.Cancel(); // the reader must not wait on this stream any more
                throw;
            }
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, n).Select(Drain));
        }
        finally
        {
            stop.Cancel();
            await readerTask;
        }
        return exchanges;
    }

    private static async Task Submit(IPartitionGrain grain, int partition, ExchangeBatch batch, RetryingCaller caller, CancellationToken cancel)
    {
        long applied = await caller.CallAsync(() => grain.Submit(batch), $"partition {partition}: entry {batch.Sequence}", cancel);
        if (applied < batch.Sequence + 1)
            throw new InvalidOperationException($"partition {partition} acknowledged entry {batch.Sequence} but holds only {applied} entries");
    }

    /// <summary>Reads a byte array slice by slice; null if the partition answered <see cref="ByteChunk.NotPrepared"/>.</summary>
    private static async Task<byte[]?> Fetch(Func<long, Task<ByteChunk>> slice, string what, RetryingCaller caller, CancellationToken cancel)
    {
        var chunk = await caller.CallAsync(() => slice(0), what, cancel);
        if (chunk.Total < 0) return null;
        var bytes = new byte[chunk.Total];
        long at = 0;
        while (true)
        {
            if (chunk.Total < 0) return null;
            if (chunk.Total != bytes.LongLength || chunk.Bytes.Length == 0 && at < bytes.LongLength)
                throw new InvalidOperationException($"{what}: the partition's answer changed between slices ({chunk.Total} bytes, then {bytes.LongLength})");
            chunk.Bytes.CopyTo(bytes.AsSpan((int)at));
            at += chunk.Bytes.Length;
            if (at >= bytes.LongLength) return bytes;
            long from = at;
            chunk = await caller.CallAsync(() => slice(from), what, cancel);
        }
    }
}
