using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Log;
using DistillGuard.Core.Findings;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Cluster.Detector;

/// <summary>
/// The detector grain: a <see cref="DetectorReplica"/> whose log lives in <see cref="IDetectorLog"/> (Redis by
/// default). On activation — the first, or on another silo after the hosting silo was lost — it replays the log, so
/// its state is exactly what it was after the last acknowledged entry.
/// </summary>
public sealed class DetectorGrain : Grain, IDetectorGrain
{
    private static readonly Meter Meter = new("DistillGuard.Cluster");
    private static readonly Counter<long> ExchangesApplied = Meter.CreateCounter<long>("distillguard.detector.exchanges", "{exchange}", "Exchanges applied by detector grains on this silo.");
    private static readonly Counter<long> EntriesReplayed = Meter.CreateCounter<long>("distillguard.detector.replayed_entries", "{entry}", "Log entries replayed by detector activations on this silo.");

    private readonly IDetectorLog _log;
    private readonly ILogger<DetectorGrain> _logger;
    private readonly string _silo;
    private readonly DetectorReplica _replica = new();
    private long _replayed, _replayMs;
    private byte[]? _findings;

    /// <summary>Created by Orleans.</summary>
    public DetectorGrain(IDetectorLog log, ILogger<DetectorGrain> logger, ILocalSiloDetails silo)
    {
        _log = log;
        _logger = logger;
        _silo = silo.SiloAddress.ToParsableString();
    }

    private string Key => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await foreach (var bytes in _log.ReadAsync(Key, cancellationToken))
        {
            _replica.Apply(ExchangeBatchCodec.Decode(bytes));
            _replayed++;
        }
        _replayMs = clock.ElapsedMilliseconds;
        if (_replayed > 0) EntriesReplayed.Add(_replayed);
        _logger.LogInformation("detector {Detector} activated on silo {Silo}: replayed {Entries} log entries ({Exchanges} exchanges) in {Ms} ms",
            Key, _silo, _replayed, _replica.Exchanges, _replayMs);
    }

    /// <inheritdoc />
    public async Task<long> Submit(ExchangeBatch entry)
    {
        if (entry.Sequence < _replica.Applied) return _replica.Applied; // already in the log: a retry
        if (entry.Sequence > _replica.Applied)
            throw new InvalidOperationException($"detector {Key}: entry {entry.Sequence} arrived but the log holds {_replica.Applied} entries; entries in between were never acknowledged");
        if (_replica.Finished) throw new InvalidOperationException($"detector {Key} has finished; start a new detector for new traffic");
        if (!await _log.AppendAsync(Key, entry.Sequence, ExchangeBatchCodec.Encode(entry)))
        {
            // Another activation wrote to the log (a split moment during a membership change): rebuild from the log.
            DeactivateOnIdle();
            throw new DetectorConflictException($"detector {Key}: its log was appended to by another activation; retry");
        }
        long before = _replica.Exchanges;
        _replica.Apply(entry);
        ExchangesApplied.Add(_replica.Exchanges - before);
        return _replica.Applied;
    }

    /// <inheritdoc />
    public Task<DetectorStatus> Status() => Task.FromResult(new DetectorStatus
    {
        Silo = _silo,
        Applied = _replica.Applied,
        Exchanges = _replica.Exchanges,
        Accounts = _replica.Engine?.AccountCount ?? 0,
        Replayed = _replayed,
        ReplayMs = _replayMs,
    });

    /// <inheritdoc />
    public Task<byte[]> Finish(FinishRequest request)
    {
        if (_findings is null)
        {
            var input = JsonSerializer.Deserialize<InputSummary>(request.Input) ?? new InputSummary();
            var doc = _replica.Finish(input, new FindingsOptions { IncludeBenign = request.IncludeBenign });
            using var buffer = new MemoryStream();
            FindingsJson.Write(buffer, doc);
            _findings = buffer.ToArray();
            _logger.LogInformation("detector {Detector} finished on silo {Silo}: {Exchanges} exchanges, {Accounts} accounts",
                Key, _silo, _replica.Exchanges, _replica.Engine?.AccountCount ?? 0);
        }
        return Task.FromResult(_findings);
    }

    /// <inheritdoc />
    public async Task Delete()
    {
        await _log.DeleteAsync(Key);
        DeactivateOnIdle();
    }
}
