using System.Diagnostics;
using System.Text.Json;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Log;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Verdicts;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Cluster.Detector;

/// <summary>
/// The detector grain: a <see cref="DetectorReplica"/> whose log lives in <see cref="IDetectorLog"/> (Redis by
/// default, or PostgreSQL). On activation — the first, or on another silo after the hosting silo was lost — it replays the log, so
/// its state is exactly what it was after the last acknowledged entry. Never collected for idleness (a quiet gateway
/// fleet's detector would otherwise pay a full replay at its next exchange); a scan's detector deactivates once its
/// findings are collected and its log deleted.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class DetectorGrain : LoggedGrain, IDetectorGrain
{
    private readonly ILogger<DetectorGrain> _logger;
    private readonly string _silo;
    private readonly DetectorReplica _replica = new();
    private byte[]? _findings;
    private readonly VerdictFeed _feed = new();
    private readonly Guid _epoch = Guid.NewGuid();
    private long _lastPublish = -1; // Environment.TickCount64 of the last full publication, or -1
    private bool _live;             // opened by a live writer (Open) in this activation

    /// <summary>How long a scan detector's log outlives its last append when its client never deletes it.</summary>
    public static readonly TimeSpan ScanLogExpiry = TimeSpan.FromHours(24);

    /// <summary>Created by Orleans.</summary>
    public DetectorGrain(IDetectorLog log, ILogger<DetectorGrain> logger, ILocalSiloDetails silo) : base(log)
    {
        _logger = logger;
        _silo = silo.SiloAddress.ToParsableString();
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReplayAsync(_replica.Apply, cancellationToken);
        if (Replayed > 0) Hosting.ClusterMetrics.DetectorReplayedEntries.Add(Replayed);
        _logger.LogInformation("detector {Detector} activated on silo {Silo}: replayed {Entries} log entries ({Exchanges} exchanges) in {Ms} ms",
            Key, _silo, Replayed, _replica.Exchanges, ReplayMs);
    }

    /// <inheritdoc />
    public async Task<long> Submit(ExchangeBatch entry)
    {
        if (entry.Sequence < _replica.Applied) return _replica.Applied; // already in the log: a retry
        if (entry.Sequence > _replica.Applied)
            throw new InvalidOperationException($"detector {Key}: entry {entry.Sequence} arrived but the log holds {_replica.Applied} entries; entries in between were never acknowledged");
        await Append(entry);
        return _replica.Applied;
    }

    /// <inheritdoc />
    public Task<DetectorStatus> Status() => Task.FromResult(new DetectorStatus
    {
        Silo = _silo,
        Applied = _replica.Applied,
        Exchanges = _replica.Exchanges,
        Accounts = _replica.Engine?.AccountCount ?? 0,
        Replayed = Replayed,
        ReplayMs = ReplayMs,
        BusyMs = BusyMs,
        RejectedEntries = _replica.RejectedEntries,
        RejectedLines = _replica.Rejected,
    });

    /// <inheritdoc />
    public Task<byte[]> Finish(FinishRequest request)
    {
        if (_findings is null)
        {
            var input = JsonSerializer.Deserialize<InputSummary>(request.Input) ?? new InputSummary();
            var doc = _replica.Finish(input, new FindingsOptions { IncludeBenign = request.IncludeBenign });
            _findings = FindingsJson.ToUtf8Bytes(doc);
            _logger.LogInformation("detector {Detector} finished on silo {Silo}: {Exchanges} exchanges, {Accounts} accounts",
                Key, _silo, _replica.Exchanges, _replica.Engine?.AccountCount ?? 0);
        }
        return Task.FromResult(_findings);
    }

    /// <inheritdoc />
    public async Task<long> Open(byte[] settingsJson)
    {
        _live = true;
        if (_replica.Applied > 0) return _replica.Applied;
        await Append(new ExchangeBatch { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = settingsJson });
        return _replica.Applied;
    }

    /// <inheritdoc />
    public async Task<long> Ingest(ExchangeBatch entry)
    {
        if (entry.Origin is null || entry.Kind != BatchKind.Exchanges) throw new ArgumentException("a live entry is an exchange batch with an origin", nameof(entry));
        if (_replica.OriginSequences.TryGetValue(entry.Origin, out long last) && entry.OriginSequence <= last) return _replica.Applied;
        await Append(new ExchangeBatch
        {
            Kind = entry.Kind, Sequence = _replica.Applied, Count = entry.Count, Payload = entry.Payload,
            Origin = entry.Origin, OriginSequence = entry.OriginSequence,
        });
        return _replica.Applied;
    }

    /// <inheritdoc />
    public Task<VerdictPage> VerdictsSince(Guid epoch, long version)
    {
        if (_replica.Engine is { } engine && (_lastPublish < 0 || Environment.TickCount64 - _lastPublish >= 200))
        {
            _feed.PublishChanged(engine, _ => { });
            _lastPublish = Environment.TickCount64;
        }
        var changes = _feed.Since(epoch == _epoch ? version : 0);
        return Task.FromResult(new VerdictPage { Epoch = _epoch, Version = _feed.Version, Verdicts = JsonSerializer.SerializeToUtf8Bytes(changes) });
    }

    /// <inheritdoc />
    public Task<byte[]?> Account(string accountId)
    {
        if (_replica.Engine is not { } engine || engine.Find(accountId) is not { } p) return Task.FromResult<byte[]?>(null);
        engine.Flush();
        return Task.FromResult<byte[]?>(JsonSerializer.SerializeToUtf8Bytes(FindingsBuilder.ForAccount(engine, p)));
    }

    /// <inheritdoc />
    public Task<byte[]> CurrentFindings()
    {
        var engine = _replica.Engine ?? throw new InvalidOperationException($"detector {Key} has no settings yet");
        engine.Flush();
        return Task.FromResult(FindingsJson.ToUtf8Bytes(FindingsBuilder.Build(engine, new InputSummary { Sources = ["gateway"] })));
    }

    /// <inheritdoc />
    public async Task<int> Recompute()
    {
        await Append(new ExchangeBatch { Kind = BatchKind.Recompute, Sequence = _replica.Applied });
        return _replica.Engine!.Campaigns.Count;
    }

    /// <summary>
    /// Appends an entry at the end of the durable log and applies it (<see cref="LoggedGrain.AppendAndApplyAsync"/>).
    /// An entry that could never apply is refused first (<see cref="DetectorReplica.Validate"/>), so the log never holds
    /// one that would stop a replay.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entry could never apply (see <see cref="DetectorReplica.Validate"/>).</exception>
    /// <exception cref="DetectorConflictException">Another activation appended to the log meanwhile.</exception>
    private async Task Append(ExchangeBatch entry)
    {
        if (_replica.Validate(entry) is { } problem) throw new InvalidOperationException($"detector {Key}: {problem}");
        // A scan's log (entries without a live writer's origin) expires if its client vanishes; a fleet's does not.
        bool live = _live || entry.Origin is not null || _replica.Settings?.Live == true;
        long before = _replica.Exchanges, rejected = _replica.RejectedEntries;
        await AppendAndApplyAsync(entry, live ? null : ScanLogExpiry, () =>
        {
            _replica.Apply(entry);
            if (_replica.RejectedEntries > rejected)
                _logger.LogError("detector {Detector}: {Rejection} (entry skipped)", Key, _replica.LastRejection);
        }, $"detector {Key}");
        Hosting.ClusterMetrics.DetectorExchanges.Add(_replica.Exchanges - before);
    }

    /// <inheritdoc />
    public Task<byte[]?> Reference() => Task.FromResult(_replica.Settings?.Reference);

    /// <inheritdoc />
    public Task Delete() => DeleteLogAsync();
}
