using System.Diagnostics;
using DistillGuard.Core.Engine;
using DistillGuard.Ingest.Readers;
using Spectre.Console;

namespace DistillGuard.Cli.Output;

/// <summary>
/// Progress of a scan: a live Spectre.Console bar on a terminal, plain lines on stderr every few seconds otherwise
/// (a redirected Spectre bar prints nothing), nothing with <c>--quiet</c>.
/// </summary>
internal sealed class ScanProgress
{
    /// <summary>Seconds between plain progress lines.</summary>
    public const double PlainIntervalSeconds = 5;

    private readonly IAnsiConsole _console;
    private readonly TextWriter _stderr;
    private readonly bool _live;
    private readonly bool _quiet;
    private readonly ExchangeLogReader _reader;
    private readonly DetectionEngine _engine;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastPlain;
    private ProgressTask? _task;

    public ScanProgress(IAnsiConsole console, TextWriter stderr, bool live, bool quiet, ExchangeLogReader reader, DetectionEngine engine)
    {
        _console = console;
        _stderr = stderr;
        _live = live;
        _quiet = quiet;
        _reader = reader;
        _engine = engine;
    }

    public void Run(Action scan)
    {
        if (!_live)
        {
            scan();
            if (!_quiet && _clock.Elapsed.TotalSeconds >= PlainIntervalSeconds) Plain();
            return;
        }
        _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                _task = ctx.AddTask("scanning", maxValue: Math.Max(1, _reader.TotalBytes));
                scan();
                _task.Value = _task.MaxValue;
            });
    }

    /// <summary>Called after each batch on the engine thread.</summary>
    public void Tick()
    {
        if (_task is not null)
        {
            _task.Value = Math.Min(_task.MaxValue, _reader.BytesConsumed);
            _task.Description = $"scanning · {_engine.ExchangeCount:N0} exchanges · {_engine.AccountCount:N0} accounts";
            return;
        }
        if (_quiet) return;
        double now = _clock.Elapsed.TotalSeconds;
        if (now - _lastPlain < PlainIntervalSeconds) return;
        _lastPlain = now;
        Plain();
    }

    private void Plain()
    {
        double seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        string share = _reader.TotalBytes > 0 ? $"{100.0 * _reader.BytesConsumed / _reader.TotalBytes:F0}% · " : "";
        _stderr.WriteLine($"progress: {share}{_engine.ExchangeCount:N0} exchanges · {_engine.AccountCount:N0} accounts · {_engine.ExchangeCount / seconds:N0} exchanges/s");
    }
}
