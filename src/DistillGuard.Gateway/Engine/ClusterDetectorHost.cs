using System.Collections.Concurrent;
using System.Text.Json;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Client;
using DistillGuard.Cluster.Detector;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Verdicts;
using DistillGuard.Gateway.Storage;
using DistillGuard.Gateway.Telemetry;
using Microsoft.Extensions.Logging;
using DistillGuard.Cluster.Hosting;

namespace DistillGuard.Gateway.Engine;

/// <summary>
/// The gateway's detector on an Orleans cluster: completed exchanges are batched (up to
/// <see cref="BatchLines"/> lines or <see cref="BatchMilliseconds"/>) and ingested by one shared detector grain, with
/// retries across silo failures; the detector's verdict feed is polled every <see cref="PollMilliseconds"/> and
/// published to the <see cref="VerdictBoard"/> and the state database. Any number of gateway nodes can share one
/// detector: each sees the verdicts that the traffic of all of them produced.
/// </summary>
public sealed class ClusterDetectorHost : IDetectorHost
{
    /// <summary>Most exchanges per ingested batch.</summary>
    public const int BatchLines = 256;

    /// <summary>Longest wait before a partial batch is sent (ms).</summary>
    public const int BatchMilliseconds = 100;

    /// <summary>Interval of verdict polls (ms).</summary>
    public const int PollMilliseconds = 200;

    private readonly Func<CancellationToken, Task<IGrainFactory>> _connect;
    private IGrainFactory? _grains; // set once connected
    private IDetectorGrain? _grain; // resolved once the client has connected (it learns grain types from the cluster)
    private readonly string _name;
    private readonly byte[] _settings;
    private readonly VerdictBoard _board;
    private readonly GatewayStore _store;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _log;
    private readonly BlockingCollection<byte[]> _queue;
    private readonly RetryingCaller _caller;
    private readonly string _origin = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender, _poller;
    private readonly TimeSpan _snapshotEvery;
    private volatile bool _ready;
    private Guid _epoch;
    private long _version;

    /// <summary>Starts connecting, then sending and polling.</summary>
    /// <param name="connect">Returns an Orleans client once it is connected to the cluster (retrying as long as it takes); the gateway serves meanwhile.</param>
    /// <param name="detector">The shared detector's name.</param>
    /// <param name="settings">Engine settings, used if this gateway is the detector's first writer.</param>
    /// <param name="board">Where verdicts are published.</param>
    /// <param name="store">Where verdicts are saved (so a restarted node enforces at once).</param>
    /// <param name="metrics">Gateway metrics.</param>
    /// <param name="log">Logger.</param>
    /// <param name="queueCapacity">Exchanges waiting at most.</param>
    /// <param name="snapshotEvery">Interval of verdict snapshots to the state database.</param>
    /// <param name="callTimeout">How long one cluster call may take before it is retried.</param>
    public ClusterDetectorHost(Func<CancellationToken, Task<IGrainFactory>> connect, string detector, DetectorSettings settings, VerdictBoard board, GatewayStore store,
        GatewayMetrics metrics, ILogger log, int queueCapacity, TimeSpan snapshotEvery, TimeSpan callTimeout)
    {
        _connect = connect;
        _name = detector;
        _settings = settings.ToJson();
        _board = board;
        _store = store;
        _metrics = metrics;
        _log = log;
        _snapshotEvery = snapshotEvery;
        _queue = new BlockingCollection<byte[]>(queueCapacity);
        _caller = new RetryingCaller(line => log.LogWarning("Cluster detector {Detector}: {Message}", detector, line))
        {
            CallTimeout = callTimeout,
            RetryFor = Timeout.InfiniteTimeSpan,
        };
        foreach (var v in store.Verdicts()) board.Set(v);
        _sender = Task.Factory.StartNew(SendLoop, TaskCreationOptions.LongRunning).Unwrap();
        _poller = Task.Run(PollLoop);
    }

    /// <inheritdoc />
    public bool Ready => _ready;

    private IDetectorGrain Detector => _grain ?? throw new InvalidOperationException($"the cluster detector '{_name}' is not connected yet");

    /// <inheritdoc />
    public Exception? Failure { get; private set; }

    /// <inheritdoc />
    public int QueueLength => _queue.Count;

    /// <inheritdoc />
    /// <remarks>Always 0: a node replays nothing; the shared detector's own replay is under <see cref="HealthAsync"/>.</remarks>
    public long Replayed => 0;

    /// <inheritdoc />
    public bool TryEnqueue(byte[] line) => Failure is null && !_queue.IsAddingCompleted && _queue.TryAdd(line);

    private async Task SendLoop()
    {
        try
        {
            _grains = await _connect(_stop.Token);
            _grain = _grains.GetGrain<IDetectorGrain>(_name);
            await _caller.CallAsync(() => Detector.Open(_settings), "open", _stop.Token);
            _ready = true;
            _log.LogInformation("Cluster detector {Detector} ready (writer {Origin})", _name, _origin);
            var builder = new ExchangeBatchBuilder();
            long sequence = 0;
            while (!_queue.IsCompleted)
            {
                // First line: wait for it; then fill the batch for at most BatchMilliseconds.
                if (!_queue.TryTake(out var first, Timeout.Infinite, _stop.Token)) break;
                builder.Add(first, "gateway", 0);
                var deadline = Environment.TickCount64 + BatchMilliseconds;
                while (builder.Count < BatchLines)
                {
                    int wait = (int)Math.Max(0, deadline - Environment.TickCount64);
                    if (!_queue.TryTake(out var line, wait)) break;
                    builder.Add(line, "gateway", 0);
                }
                int count = builder.Count;
                var batch = builder.Build(0, _origin, ++sequence);
                await _caller.CallAsync(() => Detector.Ingest(batch), $"batch {sequence}", _stop.Token);
                _metrics.ExchangesAnalysed.Add(count);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested || _grains is null)
        {
            // Stopping (possibly before the cluster was ever reached: only shutdown cancels the connection attempts).
        }
        catch (Exception e)
        {
            Failure = e;
            _log.LogError(e, "Cluster detector {Detector}: the sender stopped", _name);
        }
    }

    private async Task PollLoop()
    {
        var snapshots = new VerdictSnapshots(_store, _snapshotEvery);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollMilliseconds, _stop.Token);
                if (!_ready) continue;
                var page = await _caller.CallAsync(() => Detector.VerdictsSince(_epoch, _version), "verdicts", _stop.Token);
                _epoch = page.Epoch;
                _version = page.Version;
                foreach (var v in JsonSerializer.Deserialize<List<AccountVerdict>>(page.Verdicts) ?? [])
                {
                    _board.Set(v);
                    snapshots.Add(v);
                }
                snapshots.MaybeSave();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is InvalidOperationException or JsonException)
            {
                _log.LogWarning("Cluster detector {Detector}: verdict poll failed: {Error}", _name, e.Message);
            }
        }
        snapshots.Save();
    }

    /// <inheritdoc />
    public async Task<AccountFinding?> AccountAsync(string accountId, CancellationToken cancel)
    {
        var bytes = await _caller.CallAsync(() => Detector.Account(accountId), "account", cancel);
        return bytes is null ? null : JsonSerializer.Deserialize<AccountFinding>(bytes);
    }

    /// <inheritdoc />
    public async Task<FindingsDocument> FindingsAsync(CancellationToken cancel)
    {
        return FindingsJson.Read(await _caller.CallAsync(Detector.CurrentFindings, "findings", cancel));
    }

    /// <inheritdoc />
    public Task<int> RecomputeAsync(CancellationToken cancel) => _caller.CallAsync(Detector.Recompute, "recompute", cancel);

    /// <inheritdoc />
    public async Task<object?> HealthAsync(CancellationToken cancel)
    {
        if (_grain is null || _grains is null) return new { mode = "cluster", detector = new { name = _name }, state = "connecting" };
        try
        {
            var silos = await ClusterMembership.ReadAsync(_grains, TimeSpan.FromSeconds(5), cancel);
            var status = await Detector.Status().WaitAsync(TimeSpan.FromSeconds(5), cancel);
            return new
            {
                mode = "cluster",
                detector = new { name = _name, silo = status.Silo, exchanges = status.Exchanges, accounts = status.Accounts, replayed_entries = status.Replayed },
                silos,
            };
        }
        catch (Exception e) when (RetryingCaller.IsTransient(e) || e is OperationCanceledException or InvalidOperationException)
        {
            return new { mode = "cluster", detector = new { name = _name }, error = "cluster unreachable: " + e.Message };
        }
    }

    /// <summary>Stops taking exchanges, sends what is queued (for up to 10 s) and saves the verdicts.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _sender.Wait(TimeSpan.FromSeconds(10));
        _stop.Cancel();
        try
        {
            Task.WaitAll([_sender, _poller], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _queue.Dispose();
        _stop.Dispose();
    }
}
