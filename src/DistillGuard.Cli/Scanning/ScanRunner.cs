using System.Diagnostics;
using DistillGuard.Cli.Exporting;
using DistillGuard.Cli.Output;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Findings;
using DistillGuard.Ingest.Accounts;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;
using DistillGuard.Reports.Html;
using Spectre.Console;

namespace DistillGuard.Cli.Scanning;

/// <summary>Runs <c>distillguard scan</c>: inputs → reader → engine → findings, report and console summary.</summary>
internal sealed class ScanRunner
{
    /// <summary>Malformed lines printed to stderr before the rest are only counted.</summary>
    public const int PrintedErrors = 20;

    /// <summary>Malformed lines kept in findings.json.</summary>
    public const int KeptErrors = 100;

    private readonly IAnsiConsole _console;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly bool _interactive;
    private ScanPipeline? _pipeline; // the embedded scan's, for --stats (null for cluster scans)

    public ScanRunner(IAnsiConsole console, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        _console = console;
        _stdout = stdout;
        _stderr = stderr;
        _interactive = interactive;
    }

    /// <summary>The findings of the last run (for tests and hosts).</summary>
    public FindingsDocument? Findings { get; private set; }

    /// <summary>
    /// The <c>--stats</c> figures, taken at the end of the streaming pass: exchanges, decompressed bytes, seconds of the
    /// streaming pass (not the final re-clustering), rates, the process's peak resident memory so far
    /// (<c>streaming_peak_rss_bytes</c>), and the engine's live state (managed heap after a full collection, minus the
    /// empty engine) in total and per account. <see cref="Run"/> prints them as one JSON line on standard error once
    /// the outputs are written, with the peak resident memory of the whole scan (<c>peak_rss_bytes</c>: final
    /// re-clustering, findings and report included) and its wall time (<c>total_seconds</c>).
    /// </summary>
    private void TakeStats(ExchangeLogReader reader, DetectionEngine engine, TimeSpan elapsed, long baseline)
    {
        long state = GC.GetTotalMemory(true) - baseline;
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var stats = new Dictionary<string, object>
        {
            ["exchanges"] = reader.Exchanges,
            ["text_bytes"] = reader.TextBytes,
            ["seconds"] = Math.Round(seconds, 3),
            ["exchanges_per_second"] = Math.Round(reader.Exchanges / seconds),
            ["mb_per_second"] = Math.Round(reader.TextBytes / 1e6 / seconds, 1),
            ["streaming_peak_rss_bytes"] = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64,
            ["analysis_busy_seconds"] = Math.Round(Stopwatch.GetElapsedTime(0, _pipeline?.AnalysisTicks ?? 0).TotalSeconds, 2),
            ["engine_busy_seconds"] = Math.Round(Stopwatch.GetElapsedTime(0, _pipeline?.EngineTicks ?? 0).TotalSeconds, 2),
            ["batches_analysed_by_reader"] = _pipeline?.ReaderAnalysed ?? 0,
            ["batches_analysed_by_engine"] = _pipeline?.EngineAnalysed ?? 0,
            ["batches_analysed_by_analysis_threads"] = _pipeline?.WorkerAnalysed ?? 0,
            ["accounts"] = engine.AccountCount,
            ["engine_state_bytes"] = state,
            ["bytes_per_account"] = engine.AccountCount == 0 ? 0 : state / engine.AccountCount,
        };
        _stats = stats;
    }

    private Dictionary<string, object>? _stats;

    /// <summary>Prints the <c>--stats</c> line (<see cref="TakeStats"/>) with the whole scan's peak memory and wall time.</summary>
    private void WriteStats(TimeSpan total)
    {
        if (_stats is null) return;
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        _stats["peak_rss_bytes"] = self.PeakWorkingSet64;
        _stats["total_seconds"] = Math.Round(total.TotalSeconds, 3);
        _stderr.WriteLine("stats: " + System.Text.Json.JsonSerializer.Serialize(_stats));
        _stats = null;
    }

    public int Run(ScanRequest request, CancellationToken cancel = default)
    {
        List<InputSource> sources;
        try
        {
            sources = InputResolver.Resolve(request.Inputs);
        }
        catch (InputNotFoundException e)
        {
            _stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        var errors = new List<string>();
        long errorCount = 0;
        var errorLock = new object();
        void Report(IngestError e)
        {
            lock (errorLock)
            {
                errorCount++;
                var text = e.ToString();
                if (errors.Count < KeptErrors) errors.Add(text);
                if (errorCount <= PrintedErrors) _stderr.WriteLine($"warning: {text} (line skipped)");
                else if (errorCount == PrintedErrors + 1) _stderr.WriteLine("warning: more malformed lines; they are counted in the summary and the first 100 are listed in findings.json");
            }
        }

        var clock = Stopwatch.StartNew();
        var whole = Stopwatch.StartNew();
        var built = request.Cluster is null
            ? ScanEmbedded(request, sources, Report, () => errors.ToList(), cancel)
            : ClusterScan.Run(request, sources, Report, () => { lock (errorLock) return errors.ToList(); }, _stderr, cancel);
        if (built.Document is null) return built.ExitCode;
        clock.Stop();
        var doc = Redaction.Apply(built.Document, request.ExportSettings.Redaction);
        Findings = doc;

        var written = new List<string>();
        if (request.OutDir is not null)
        {
            try
            {
                Directory.CreateDirectory(request.OutDir);
                var findingsPath = Path.Combine(request.OutDir, "findings.json");
                FindingsJson.Write(findingsPath, doc);
                written.Add(findingsPath);
                var reportPath = Path.Combine(request.OutDir, "report.html");
                HtmlReport.Write(reportPath, doc);
                written.Add(reportPath);
                foreach (var format in request.Exports)
                {
                    var exportPath = Path.Combine(request.OutDir, ExportFormats.FileName(format));
                    ExportWriter.Write(exportPath, doc, format, request.ExportSettings);
                    written.Add(exportPath);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _stderr.WriteLine($"error: cannot write to {request.OutDir}: {e.Message}");
                return ExitCodes.Usage;
            }
        }

        if (request.Format == "json")
        {
            _stdout.WriteLine(System.Text.Encoding.UTF8.GetString(FindingsJson.ToUtf8Bytes(doc)));
            _stdout.Flush();
        }
        else
        {
            new ScanSummary(_console).Write(doc, clock.Elapsed, written);
        }
        WriteStats(whole.Elapsed);

        return request.FailOnAttack && doc.Summary.AccountsAttack > 0 ? ExitCodes.AttackFound : ExitCodes.Ok;
    }

    /// <summary>
    /// The first pass of an order-independent scan: the same reader and analysis threads, counting into a
    /// <see cref="LogCensus"/> that the engine then uses. Input errors are left to the second pass to report.
    /// </summary>
    private bool TakeCensus(DetectionEngine engine, List<InputSource> sources, bool quiet, CancellationToken cancel)
    {
        if (sources.Any(s => s.Name == InputSource.StandardInput))
        {
            _stderr.WriteLine("error: --order-independent reads the log twice: give files, not standard input");
            return false;
        }
        var clock = Stopwatch.StartNew();
        var census = new LogCensus(CensusWidth(sources));
        try
        {
            new ScanPipeline(new ExchangeLogReader(sources), engine).RunCensus(census, cancel);
        }
        catch (InvalidOperationException e)
        {
            _stderr.WriteLine($"error: {e.Message}");
            return false;
        }
        engine.UseCensus(census);
        if (!quiet)
            _stderr.WriteLine($"first pass (order-independent): {census.Exchanges:N0} exchanges in {clock.Elapsed.TotalSeconds:F1} s, census {census.SizeBytes / 1048576.0:F0} MiB");
        return true;
    }

    /// <summary>
    /// Census counters per row: about the template keys the log holds (some 9 per exchange; an exchange is about 3 KB
    /// of JSON, a third of that gzipped), at least 2^20 and at most 2^28.
    /// </summary>
    internal static int CensusWidth(IEnumerable<InputSource> sources)
    {
        long exchanges = 0;
        foreach (var s in sources)
        {
            if (s.Length <= 0) continue;
            bool gzip = s.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            exchanges += s.Length / (gzip ? 1_000 : 3_000) + 1;
        }
        long keys = Math.Clamp(exchanges * 9, 1L << 20, 1L << 28);
        return (int)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)keys);
    }

    /// <summary>The scan in this process: reader → analysis threads → engine (<see cref="ScanPipeline"/>).</summary>
    private (FindingsDocument? Document, int ExitCode) ScanEmbedded(ScanRequest request, List<InputSource> sources, Action<IngestError> report, Func<List<string>> errors, CancellationToken cancel)
    {
        EngineOptions options;
        try
        {
            options = new EngineOptions
            {
                Evidence = request.Evidence,
                Reference = ReferenceLoader.Load(request.ReferenceFiles, w => _stderr.WriteLine("warning: " + w)),
                DisposableDomains = request.DisposableDomainsFile is null
                    ? null
                    : new HashSet<string>(DisposableDomains.BuiltIn.Concat(ReadDisposableDomains(request.DisposableDomainsFile))),
            };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _stderr.WriteLine($"error: {e.Message}");
            return (null, ExitCodes.Usage);
        }
        var engine = new DetectionEngine(options);
        if (request.OrderIndependent && !TakeCensus(engine, sources, request.Quiet, cancel)) return (null, ExitCodes.Usage);
        long baseline = request.Stats ? GC.GetTotalMemory(true) : 0;

        if (request.AccountsFile is not null)
        {
            try
            {
                RegisterAccounts(engine, request.AccountsFile, report);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                _stderr.WriteLine($"error: {request.AccountsFile}: {e.Message}");
                return (null, ExitCodes.Usage);
            }
        }

        var reader = new ExchangeLogReader(sources);
        var clock = Stopwatch.StartNew();
        var progress = new ScanProgress(_console, _stderr, _interactive && !request.Quiet, request.Quiet, reader, engine);
        try
        {
            var pipeline = _pipeline = new ScanPipeline(reader, engine);
            progress.Run(() => pipeline.Run(report, progress.Tick, cancel));
        }
        catch (InvalidOperationException e)
        {
            _stderr.WriteLine($"error: {e.Message}");
            return (null, ExitCodes.Usage);
        }
        if (request.Stats) TakeStats(reader, engine, clock.Elapsed, baseline);
        engine.Finish();
        clock.Stop();

        WarnIfNoExchanges(reader, _stderr);

        var input = InputSummaryOf(sources, reader, errors());
        return (FindingsBuilder.Build(engine, input, new FindingsOptions { IncludeBenign = request.AllAccounts }), ExitCodes.Ok);
    }

    /// <summary>
    /// Feeds the accounts file to the engine. A method of its own so that the parsed file is garbage once it returns
    /// (a list held by the scan's frame would stay alive for the whole scan and count as engine state in --stats).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RegisterAccounts(DetectionEngine engine, string file, Action<IngestError> report)
    {
        foreach (var m in AccountsFileReader.Read(InputSource.File(file), report)) engine.RegisterAccount(m);
    }

    /// <summary>The <c>--disposable-domains</c> file (one domain per line), read and closed.</summary>
    internal static IReadOnlySet<string> ReadDisposableDomains(string file)
    {
        using var reader = new StreamReader(file);
        return DisposableDomains.Read(reader);
    }

    /// <summary>Warns when lines were read but none was a valid exchange (usually a log in another format).</summary>
    internal static void WarnIfNoExchanges(ExchangeLogReader reader, TextWriter stderr)
    {
        if (reader.LinesRead > 0 && reader.Exchanges == 0)
            stderr.WriteLine("warning: no line of the input was a valid exchange; see docs/exchange-log.md for the format");
    }

    /// <summary>The input summary of a scan.</summary>
    internal static InputSummary InputSummaryOf(List<InputSource> sources, ExchangeLogReader reader, List<string> errors) => new()
    {
        Sources = sources.Select(s => s.Name).ToList(),
        LinesRead = reader.LinesRead,
        Exchanges = reader.Exchanges,
        LinesSkipped = reader.LinesSkipped,
        Errors = errors,
    };
}
