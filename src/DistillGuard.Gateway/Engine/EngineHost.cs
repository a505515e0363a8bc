using DistillGuard.Core.Verdicts;
using System.Collections.Concurrent;
using System.Diagnostics;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Gateway.Storage;
using DistillGuard.Gateway.Telemetry;
using DistillGuard.Ingest.Formats;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Gateway.Engine;

/// <summary>
/// Hosts the one <see cref="DetectionEngine"/> of the gateway (the same engine <c>scan</c> uses) on a dedicated
/// thread: completed exchanges arrive through a bounded queue, in order; queries (admin API) run on the same thread
/// between exchanges. After exchanges it publishes changed verdicts to the <see cref="VerdictBoard"/> the policy reads,
/// and every few seconds it saves them to the state database, so enforcement resumes at once after a restart. At start
/// it replays the exchange log to rebuild detection state.
/// </summary>
public sealed class EngineHost : IDetectorHost
{
    private readonly DetectionEngine _engine;
    private readonly BlockingCollection<Work> _queue;
    private readonly VerdictBoard _board;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly ExchangeParser _parser = new();
    private readonly Exchange _exchange = new();
    private readonly VerdictFeed _feed = new();
    private readonly VerdictSnapshots _snapshots;
    private long _lastPublish;
    private volatile bool _ready;
    private volatile Exception? _failure;

    private abstract record Work;
    private sealed record ExchangeWork(byte[] Line) : Work;
    private sealed record QueryWork(Func<DetectionEngine, object?> Query, TaskCompletionSource<object?> Done) : Work;

    /// <summary>Starts the detector thread.</summary>
    /// <param name="engine">The engine (used only from the detector thread from now on).</param>
    /// <param name="board">Where verdicts are published.</param>
    /// <param name="store">Where verdicts are saved.</param>
    /// <param name="metrics">Gateway metrics.</param>
    /// <param name="log">Logger.</param>
    /// <param name="queueCapacity">Exchanges waiting at most.</param>
    /// <param name="snapshotEvery">Interval of verdict snapshots.</param>
    /// <param name="replay">Exchange logs to replay first, oldest first.</param>
    public EngineHost(DetectionEngine engine, VerdictBoard board, GatewayStore store, GatewayMetrics metrics, ILogger log, int queueCapacity,
        TimeSpan snapshotEvery, IReadOnlyList<string> replay)
    {
        _engine = engine;
        _board = board;
        _metrics = metrics;
        _log = log;
        _snapshots = new VerdictSnapshots(store, snapshotEvery);
        _queue = new BlockingCollection<Work>(queueCapacity);
        foreach (var v in store.Verdicts()) { board.Set(v); _feed.Seed(v); }
        _thread = new Thread(() => Run(replay)) { IsBackground = true, Name = "distillguard-engine" };
        _thread.Start();
    }

    /// <summary>True once the replay at start is done.</summary>
    public bool Ready => _ready;

    /// <summary>The error that stopped the detector, or null.</summary>
    public Exception? Failure => _failure;

    /// <summary>Exchanges waiting.</summary>
    public int QueueLength => _queue.Count;

    /// <summary>Exchanges replayed at start.</summary>
    public long Replayed { get; private set; }

    /// <summary>Hands a completed exchange (one exchange-log line, full text) to the detector.</summary>
    /// <returns>False when the queue is full or the detector has failed (the caller applies its fail mode).</returns>
    public bool TryEnqueue(byte[] line) => _failure is null && !_queue.IsAddingCompleted && _queue.TryAdd(new ExchangeWork(line));

    /// <summary>Runs <paramref name="query"/> on the detector thread, between exchanges.</summary>
    /// <exception cref="InvalidOperationException">The detector has failed.</exception>
    public async Task<T> QueryAsync<T>(Func<DetectionEngine, T> query, CancellationToken cancel = default)
    {
        if (_failure is not null) throw new InvalidOperationException("The detector has failed: " + _failure.Message, _failure);
        var done = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(new QueryWork(e => query(e), done), cancel);
        return (T)(await done.Task.WaitAsync(cancel))!;
    }

    /// <inheritdoc />
    public Task<AccountFinding?> AccountAsync(string accountId, CancellationToken cancel) =>
        QueryAsync(e => e.Find(accountId) is { } p ? FindingsBuilder.ForAccount(e, p) : null, cancel);

    /// <inheritdoc />
    public Task<FindingsDocument> FindingsAsync(CancellationToken cancel) =>
        QueryAsync(e => FindingsBuilder.Build(e, new InputSummary { Sources = ["gateway"] }), cancel);

    /// <inheritdoc />
    public Task<int> RecomputeAsync(CancellationToken cancel) => QueryAsync(e => { e.Finish(); return e.Campaigns.Count; }, cancel);

    /// <inheritdoc />
    public Task<object?> HealthAsync(CancellationToken cancel) => Task.FromResult<object?>(new { mode = "embedded" });

    private void Run(IReadOnlyList<string> replay)
    {
        try
        {
            ReplayLogs(replay);
            _ready = true;
            foreach (var work in _queue.GetConsumingEnumerable())
            {
                switch (work)
                {
                    case ExchangeWork e:
                        Process(e.Line);
                        // A full pass over the accounts catches those a campaign lifted without sending anything; it is
                        // O(accounts), so it runs at most every 200 ms.
                        if (Environment.TickCount64 - _lastPublish >= 200) Publish();
                        break;
                    case QueryWork q:
                        try
                        {
                            _engine.Flush();
                            Publish();
                            q.Done.SetResult(q.Query(_engine));
                        }
                        catch (Exception ex)
                        {
                            q.Done.SetException(ex);
                        }
                        break;
                }
                _snapshots.MaybeSave();
            }
            Publish();
            _snapshots.Save();
        }
        catch (Exception ex)
        {
            _failure = ex;
            _log.LogError(ex, "The detector stopped");
            foreach (var w in _queue) if (w is QueryWork q) q.Done.TrySetException(ex);
        }
    }

    private void ReplayLogs(IReadOnlyList<string> files)
    {
        if (files.Count == 0) return;
        var clock = Stopwatch.StartNew();
        var reader = new ExchangeLogReader(files.Select(InputSource.File).ToList());
        var x = new Exchange();
        reader.Run(() => x, (e, _, _) => _engine.Process(e), e => _log.LogWarning("Replay: {Error}", e.ToString()));
        Replayed = reader.Exchanges;
        _engine.Finish();
        Publish(all: true);
        _snapshots.Save();
        _log.LogInformation("Replayed {Exchanges:N0} exchanges from {Files} logs in {Seconds:F1} s", reader.Exchanges, files.Count, clock.Elapsed.TotalSeconds);
    }

    private void Process(byte[] line)
    {
        if (_parser.Parse(line, _exchange) is { } failure)
        {
            _log.LogWarning("Exchange not analysed: {Field}: {Expected}", failure.Field, failure.Expected);
            return;
        }
        var outcome = _engine.Process(_exchange);
        _metrics.ExchangesAnalysed.Add(1);
        if (_feed.PublishOne(_engine, outcome.Account) is { } v) Post(v);
    }

    /// <summary>Publishes every account whose verdict or risk changed (campaign lifting changes accounts that sent nothing).</summary>
    private void Publish(bool all = false)
    {
        _lastPublish = Environment.TickCount64;
        _feed.PublishChanged(_engine, Post, all);
    }

    private void Post(AccountVerdict v)
    {
        _board.Set(v);
        _snapshots.Add(v);
    }

    /// <summary>Stops taking exchanges, lets the detector drain its queue and saves the verdicts.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
        _queue.Dispose();
    }
}
