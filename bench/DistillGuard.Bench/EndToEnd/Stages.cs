using System.Diagnostics;
using System.Text.Json;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.Ingest.Formats;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Bench.EndToEnd;

/// <summary>Single-threaded passes over a log, each doing a little more than the last, to see where time goes.</summary>
internal static class Stages
{
    public sealed record Result(string Name, long Lines, long Bytes, TimeSpan Elapsed)
    {
        public double PerSecond => Lines / Elapsed.TotalSeconds;
        public double MBPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;
    }

    /// <summary>Decompress and split lines only.</summary>
    public static Result ReadLines(string path, long limit)
    {
        var clock = Stopwatch.StartNew();
        long n = 0, bytes = 0;
        using var s = InputSource.File(path).Open(out _);
        using var lines = new LineReader(s);
        while (n < limit && lines.ReadLine(out var line, out _)) { n++; bytes += line.Length + 1; }
        return new Result("read (decompress + split lines)", n, bytes, clock.Elapsed);
    }

    /// <summary>Decompress, split, and walk every JSON token with Utf8JsonReader (no DOM): the raw read+parse rate.</summary>
    public static Result RawParse(string path, long limit)
    {
        var clock = Stopwatch.StartNew();
        long n = 0, bytes = 0, tokens = 0;
        using var s = InputSource.File(path).Open(out _);
        using var lines = new LineReader(s);
        while (n < limit && lines.ReadLine(out var line, out _))
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                tokens++;
                if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped) reader.GetString();
            }
            n++; bytes += line.Length + 1;
        }
        GC.KeepAlive(tokens);
        return new Result("raw parse (System.Text.Json reader, every token)", n, bytes, clock.Elapsed);
    }

    /// <summary>Our parser into pooled Exchange objects.</summary>
    public static Result ParseExchanges(string path, long limit)
    {
        var clock = Stopwatch.StartNew();
        long n = 0, bytes = 0;
        var parser = new ExchangeParser();
        var x = new Exchange();
        using var s = InputSource.File(path).Open(out _);
        using var lines = new LineReader(s);
        while (n < limit && lines.ReadLine(out var line, out _))
        {
            parser.Parse(line, x);
            n++; bytes += line.Length + 1;
        }
        return new Result("parse into exchanges", n, bytes, clock.Elapsed);
    }

    /// <summary>Parse + analysis (signals, normalisation, MinHash, reference lookups).</summary>
    public static Result Analyze(string path, long limit)
    {
        var clock = Stopwatch.StartNew();
        long n = 0, bytes = 0;
        var parser = new ExchangeParser();
        var x = new Exchange();
        var analyzer = new ExchangeAnalyzer(new SignalPipeline(SignalPipeline.DefaultSignals()), ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates());
        var analysis = new ExchangeAnalysis();
        using var s = InputSource.File(path).Open(out _);
        using var lines = new LineReader(s);
        while (n < limit && lines.ReadLine(out var line, out _))
        {
            parser.Parse(line, x);
            analyzer.Analyze(x, 0, 0, analysis);
            n++; bytes += line.Length + 1;
        }
        return new Result("parse + analyse", n, bytes, clock.Elapsed);
    }

    /// <summary>Parse + the whole engine, single thread.</summary>
    public static Result Engine(string path, long limit, out DetectionEngine engine)
    {
        var clock = Stopwatch.StartNew();
        long n = 0, bytes = 0;
        var parser = new ExchangeParser();
        var x = new Exchange();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        long before = GC.GetTotalMemory(true);
        engine = new DetectionEngine();
        var analyzer = engine.CreateAnalyzer();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        long empty = GC.GetTotalMemory(true);
        Console.Error.WriteLine($"  empty engine {(empty - before) / 1e6:F1} MB");
        var analysis = new ExchangeAnalysis();
        long analyseTicks = 0, processTicks = 0;
        using var s = InputSource.File(path).Open(out _);
        using var lines = new LineReader(s);
        while (n < limit && lines.ReadLine(out var line, out _))
        {
            if (parser.Parse(line, x) is null)
            {
                long t0 = Stopwatch.GetTimestamp();
                analyzer.Analyze(x, analysis);
                long t1 = Stopwatch.GetTimestamp();
                engine.Process(x, analysis);
                processTicks += Stopwatch.GetTimestamp() - t1;
                analyseTicks += t1 - t0;
            }
            n++; bytes += line.Length + 1;
            if (n % 500_000 == 0)
                Console.Error.WriteLine($"  {n:N0}: state {(GC.GetTotalMemory(true) - empty) / 1e6:F1} MB, {(GC.GetTotalMemory(false) - empty) / (double)engine.AccountCount:F0} bytes/account; analyse {Stopwatch.GetElapsedTime(0, analyseTicks).TotalMicroseconds / n:F1} µs/exchange, engine {Stopwatch.GetElapsedTime(0, processTicks).TotalMicroseconds / n:F1} µs/exchange, accounts {engine.AccountCount:N0}");
        }
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        long full = GC.GetTotalMemory(true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Console.Error.WriteLine($"  heap {info.HeapSizeBytes / 1e6:F1} MB, fragmented {info.FragmentedBytes / 1e6:F1} MB, promoted {info.PromotedBytes / 1e6:F1} MB, total {GC.GetTotalMemory(true) / 1e6:F1} MB; exchange arena {x.ArenaBytes / 1e6:F1} MB");
        Console.Error.WriteLine($"  engine state {(full - empty) / 1e6:F1} MB for {engine.AccountCount:N0} accounts: {(full - empty) / (double)engine.AccountCount:F0} bytes/account");
        long postingBytes = engine.Indicators.PostingBytes, evidenceBytes = 0, hours = 0;
        var (displays, displayBytes) = engine.Indicators.DisplayCensus();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new DistillGuard.Core.Profiles.AccountProfile("", 0));
        long profileBytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        foreach (var acc in engine.Accounts)
        {
            if (acc.Evidence is null) continue;
            hours += acc.Evidence.Hourly.Count;
            evidenceBytes += 200 + acc.Evidence.Hourly.SizeBytes + acc.Evidence.ExampleTextBytes;
        }
        Console.Error.WriteLine($"  census: postings {postingBytes / 1e6:F1} MB, displays {displayBytes / 1e6:F1} MB ({displays:N0} texts), evidence {evidenceBytes / 1e6:F1} MB ({hours:N0} hour cells), profiles {engine.AccountCount * profileBytes / 1e6:F1} MB ({profileBytes} bytes each without the id), reasoning-signature registry {engine.SignatureRegistryBytes / 1e6:F1} MB");
        var sizes = engine.Indicators.Postings.GroupBy(kv => Math.Min(kv.Value.Popular ? 9999 : kv.Value.Accounts.Length, 5)).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count():N0}");
        Console.Error.WriteLine("  postings by members " + string.Join(" ", sizes));
        var kinds = engine.Indicators.Postings.GroupBy(kv => DistillGuard.Core.Indicators.IndicatorKey.KindOf(kv.Key)).Select(g => $"{g.Key}:{g.Count():N0}/{g.Count(x => x.Value.Accounts.Length == 1):N0}");
        Console.Error.WriteLine("  postings by kind (all/singletons) " + string.Join(" ", kinds));
        // How much of the member storage repeats: prompt-template bands whose stored holder lists are identical.
        var bandLists = engine.Indicators.Postings
            .Where(kv => DistillGuard.Core.Indicators.IndicatorKey.KindOf(kv.Key) == DistillGuard.Core.Indicators.IndicatorKind.PromptTemplate && kv.Value.Accounts.Length >= 2)
            .Select(kv => string.Join(',', kv.Value.Accounts.ToArray())).ToList();
        Console.Error.WriteLine($"  prompt-template bands with 2+ holders {bandLists.Count:N0}: {bandLists.Distinct().Count():N0} distinct holder lists, {bandLists.Sum(l => l.Count(c => c == ',') + 1):N0} holders stored");
        MarginalAccounts(engine, analyzer, path, 50_000);
        var finish = Stopwatch.StartNew();
        engine.Finish();
        Console.Error.WriteLine($"  analyse {Stopwatch.GetElapsedTime(0, analyseTicks).TotalSeconds:F1} s, engine {Stopwatch.GetElapsedTime(0, processTicks).TotalSeconds:F1} s, finish {finish.Elapsed.TotalSeconds:F1} s");
        return new Result("parse + engine (single thread)", n, bytes, clock.Elapsed);
    }

    /// <summary>
    /// The state an ordinary account adds: <paramref name="count"/> new accounts, each sending one exchange of the log
    /// that raises no extraction signal, carries no reasoning signature and comes from an account that is not a
    /// candidate, its account id replaced by a new one of the same length ("m-" and a 7-digit number; ids shorter than
    /// 9 bytes are passed over). Measured by the managed heap after full collections before and after, and printed
    /// with the number of them that became candidates (expected 0) and the log's candidates, so the average bytes per
    /// account of a log can be split into ordinary accounts and candidates (docs/performance.md, "Memory").
    /// </summary>
    private static void MarginalAccounts(DetectionEngine engine, ExchangeAnalyzer analyzer, string path, int count)
    {
        var parser = new ExchangeParser();
        var x = new Exchange();
        var analysis = new ExchangeAnalysis();
        var buffer = new byte[1 << 16];
        int candidatesBefore = engine.Accounts.Count(a => a.Candidate), accountsBefore = engine.AccountCount, made = 0;
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        long before = GC.GetTotalMemory(true);
        // The log is read again from the start as often as it takes (a small log has few such exchanges).
        for (int pass = 0; made < count && pass < 20; pass++)
        {
            using var s = InputSource.File(path).Open(out _);
            using var lines = new LineReader(s);
            while (made < count && lines.ReadLine(out var line, out _))
            {
                int at = line.IndexOf("\"account_id\":\""u8);
                if (at < 0 || line.Length > buffer.Length) continue;
                int start = at + "\"account_id\":\""u8.Length, end = line[start..].IndexOf((byte)'"');
                if (end < 9) continue;
                // Only exchanges of accounts that are not candidates, so the new ones share no candidate's infrastructure.
                if (engine.Find(System.Text.Encoding.UTF8.GetString(line.Slice(start, end))) is not { Candidate: false }) continue;
                line.CopyTo(buffer);
                var id = buffer.AsSpan(start, end);
                id.Fill((byte)'0');
                "m-"u8.CopyTo(id);
                System.Buffers.Text.Utf8Formatter.TryFormat(made, id[^7..], out _, new System.Buffers.StandardFormat('D', 7));
                var copy = buffer.AsSpan(0, line.Length);
                // Reasoning signatures are skipped too: a copied signature is a replay, which makes its account a candidate.
                if (parser.Parse(copy, x) is not null || x.RequestSignatureCount + x.ResponseSignatureCount > 0) continue;
                analyzer.Analyze(x, analysis);
                if (analysis.IsExtractionHit) continue;
                engine.Process(x, analysis);
                made++;
            }
        }
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        long after = GC.GetTotalMemory(true);
        int added = engine.AccountCount - accountsBefore, candidates = engine.Accounts.Count(a => a.Candidate);
        Console.Error.WriteLine($"  ordinary accounts: {added:N0} new accounts with one exchange without extraction signals add {(after - before) / 1e6:F1} MB, {(after - before) / (double)Math.Max(1, added):F0} bytes each ({candidates - candidatesBefore} of them candidates); the log's accounts: {candidatesBefore:N0} candidates of {accountsBefore:N0}");
    }
}
