using System.Diagnostics;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Hosting;
using DistillGuard.Cluster.Log;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Cluster.Partitions;

/// <summary>
/// The partition detector grain (<see cref="IPartitionGrain"/>): a <see cref="PartitionReplica"/> whose log lives in
/// <see cref="IDetectorLog"/>, like a detector's. On activation it replays the first pass from its log; the second
/// pass runs in steps (<see cref="Prepare"/>) and reads the log again. Placed by <see cref="PartitionPlacement"/>, so
/// that a scan's partitions spread over the live silos.
/// </summary>
[PartitionPlacement]
[CollectionAgeLimit(Minutes = 60)] // a prepared partition waits while the others finish; one collected anyway is prepared again
public sealed class PartitionGrain : LoggedGrain, IPartitionGrain
{
    /// <summary>Largest slice of census or state sent in one message, in bytes.</summary>
    public const int ChunkBytes = 4 << 20;

    /// <summary>How long one <see cref="Prepare"/> call works before it returns (it finishes the log entry it is in).</summary>
    public static readonly TimeSpan StepBudget = TimeSpan.FromSeconds(1);

    private readonly ILogger<PartitionGrain> _logger;
    private readonly string _silo;
    private readonly PartitionReplica _replica = new();
    private IAsyncEnumerator<byte[]>? _secondPass;

    /// <summary>Created by Orleans.</summary>
    public PartitionGrain(IDetectorLog log, ILogger<PartitionGrain> logger, ILocalSiloDetails silo) : base(log)
    {
        _logger = logger;
        _silo = silo.SiloAddress.ToParsableString();
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReplayAsync(_replica.Apply, cancellationToken);
        if (Replayed > 0) ClusterMetrics.PartitionReplayedEntries.Add(Replayed);
        _logger.LogInformation("partition {Partition} activated on silo {Silo}: replayed {Entries} log entries ({Exchanges} exchanges) in {Ms} ms",
            Key, _silo, Replayed, _replica.Exchanges, ReplayMs);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_secondPass is not null) await _secondPass.DisposeAsync();
    }

    /// <inheritdoc />
    public async Task<long> Submit(ExchangeBatch entry)
    {
        if (entry.Sequence < _replica.Applied) return _replica.Applied; // already in the log: a retry
        if (_replica.Validate(entry) is { } problem) throw new InvalidOperationException($"partition {Key}: {problem}");
        await AppendAndApplyAsync(entry, DetectorGrain.ScanLogExpiry, () =>
        {
            long before = _replica.Exchanges;
            _replica.Apply(entry);
            ClusterMetrics.PartitionExchanges.Add(_replica.Exchanges - before);
        }, $"partition {Key}");
        return _replica.Applied;
    }

    /// <inheritdoc />
    public Task<PartitionStatus> Status() => Task.FromResult(StatusNow());

    private PartitionStatus StatusNow() => new()
    {
        Silo = _silo,
        Applied = _replica.Applied,
        Exchanges = _replica.Exchanges,
        Replayed = Replayed,
        ReplayMs = ReplayMs,
        HasCensus = _replica.Census is not null,
        SecondPassRead = _replica.SecondPassRead,
        CensusAt = _replica.CensusAt,
        Prepared = _replica.State is not null,
        StateBytes = _replica.State?.LongLength ?? 0,
        RejectedEntries = _replica.RejectedEntries,
        RejectedLines = _replica.RejectedLines,
        BusyMs = BusyMs,
    };

    /// <inheritdoc />
    public Task<ByteChunk> CensusPart(long offset) => Task.FromResult(Slice(_replica.CensusPart(), offset));

    /// <inheritdoc />
    public async Task<PartitionStatus> Prepare()
    {
        if (_replica.State is not null) return StatusNow();
        if (_replica.Census is null) throw new InvalidOperationException($"partition {Key}: its census is not complete ({_replica.LastRejection ?? "pieces missing"})");
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            if (_secondPass is null)
            {
                _replica.BeginSecondPass();
                _secondPass = DetectorLog.ReadAsync(Key).GetAsyncEnumerator();
            }
            while (!_replica.SecondPassDone && Stopwatch.GetElapsedTime(t0) < StepBudget)
            {
                if (!await _secondPass.MoveNextAsync())
                    throw new InvalidOperationException($"partition {Key}: its log ended after {_replica.SecondPassRead} entries, before its census at {_replica.CensusAt}");
                _replica.ApplySecondPass(ExchangeBatchCodec.Decode(_secondPass.Current));
                ClusterMetrics.PartitionSecondPassEntries.Add(1);
            }
            if (_replica.SecondPassDone)
            {
                await _secondPass.DisposeAsync();
                _secondPass = null;
                _replica.CompleteSecondPass();
                _logger.LogInformation("partition {Partition} prepared on silo {Silo}: {Exchanges} exchanges, state {Bytes} bytes",
                    Key, _silo, _replica.Exchanges, _replica.State!.Length);
            }
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            DeactivateOnIdle(); // a read failed midway: the next activation starts the second pass again
            throw;
        }
        finally
        {
            AddBusy(t0);
        }
        return StatusNow();
    }

    /// <inheritdoc />
    public Task<ByteChunk> State(long offset) =>
        // A partition that moved after it was prepared (its silo was lost, or it was collected) has replayed its log,
        // census included, but not its second pass: the client prepares it again, in short steps.
        Task.FromResult(_replica.State is { } state ? Slice(state, offset) : ByteChunk.NotPrepared);

    private static ByteChunk Slice(byte[] bytes, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, bytes.LongLength);
        int length = (int)Math.Min(ChunkBytes, bytes.LongLength - offset);
        return new ByteChunk { Total = bytes.LongLength, Bytes = bytes.AsSpan((int)offset, length).ToArray() };
    }

    /// <inheritdoc />
    public Task Delete() => DeleteLogAsync();
}
