using DistillGuard.Cli.Scanning;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cli.Tests;

/// <summary>
/// Whichever thread analyses a batch (the reader, the engine, or an analysis thread), both passes of a scan end in
/// exactly the state of a single thread doing everything in input order.
/// </summary>
[Collection("simulated traffic")]
public sealed class ScanPipelineTests(SimulatedTraffic sim)
{
    private const int Batches = (8000 + ScanPipeline.BatchSize - 1) / ScanPipeline.BatchSize;

    /// <summary>The census and engine state of one thread reading, analysing and processing in input order.</summary>
    private (byte[] Census, byte[] State) Sequential()
    {
        var census = new LogCensus(1 << 20);
        var engine = new DetectionEngine();
        var analyzer = engine.CreateAnalyzer();
        var analysis = new ExchangeAnalysis();
        var x = new Exchange();
        var reader = new ExchangeLogReader([InputSource.File(sim.Slice)]);
        reader.Run(() => x, (e, _, _) =>
        {
            analyzer.AnalyzeTemplateKeys(e, analysis);
            census.Observe(e, analysis);
        }, e => throw new InvalidOperationException(e.ToString()));
        engine.UseCensus(census);
        new ExchangeLogReader([InputSource.File(sim.Slice)]).Run(() => x, (e, source, line) =>
        {
            analyzer.Analyze(e, analysis);
            engine.Process(e, analysis, source, line);
        }, e => throw new InvalidOperationException(e.ToString()));
        return (census.ToBytes(), PartitionStateCodec.Write(engine));
    }

    [Theory]
    [InlineData(0, 1)]                // the reader analyses nearly every batch
    [InlineData(0, 2)]                // the default on two cores: the reader helps when the engine is behind
    [InlineData(0, int.MaxValue)]     // the engine analyses every batch
    [InlineData(2, 2)]                // analysis threads, the reader and the engine all claim batches
    [InlineData(1, int.MaxValue)]
    public void Every_division_of_the_analysis_gives_the_state_of_one_thread(int analyzers, int helpBacklog)
    {
        var (expectedCensus, expectedState) = Sequential();

        var engine = new DetectionEngine();
        var census = new LogCensus(1 << 20);
        var first = new ScanPipeline(new ExchangeLogReader([InputSource.File(sim.Slice)]), engine, analyzers, helpBacklog);
        first.RunCensus(census, CancellationToken.None);
        Assert.Equal(8000, census.Exchanges);
        Assert.Equal(expectedCensus, census.ToBytes());
        engine.UseCensus(census);

        var second = new ScanPipeline(new ExchangeLogReader([InputSource.File(sim.Slice)]), engine, analyzers, helpBacklog);
        int progress = 0;
        second.Run(e => throw new InvalidOperationException(e.ToString()), () => progress++, CancellationToken.None);
        Assert.Equal(Batches, progress);
        Assert.Equal(expectedState, PartitionStateCodec.Write(engine));

        foreach (var pass in new[] { first, second })
        {
            Assert.Equal(Batches, pass.ReaderAnalysed + pass.EngineAnalysed + pass.WorkerAnalysed);
            Assert.Equal(Batches, pass.Published);
            if (analyzers == 0 && helpBacklog == int.MaxValue) Assert.Equal(Batches, pass.EngineAnalysed);
        }
        // The division happened as configured (over two passes of 63 batches each, not left to chance).
        if (helpBacklog == 1) Assert.True(first.ReaderAnalysed + second.ReaderAnalysed > 0, "the reader never analysed");
        if (analyzers > 0) Assert.True(first.WorkerAnalysed + second.WorkerAnalysed > 0, "no analysis thread analysed");
    }

    [Fact]
    public void A_claim_names_the_use_of_the_batch_so_a_late_claim_on_a_recycled_batch_fails()
    {
        var batch = new ScanPipeline.Batch();
        Assert.False(batch.TryClaim(0));        // being filled: nobody can claim it
        batch.Publish(0);
        Assert.True(batch.TryClaim(0));
        Assert.False(batch.TryClaim(0));        // exactly one claim per use
        batch.Reset();
        Assert.False(batch.TryClaim(0));        // recycled, being filled again
        batch.Publish(1);
        Assert.False(batch.TryClaim(0));        // a claim left over from its first use
        Assert.True(batch.TryClaim(1));
        Assert.False(batch.TryClaim(1));
        batch.Analysed.Dispose();
    }

    /// <summary>The slice with a malformed line at about the middle, as a new file.</summary>
    private string WithMalformedLine()
    {
        var lines = File.ReadAllLines(sim.Slice).ToList();
        lines.Insert(4000, "{\"this is\": not json");
        string path = Path.Combine(sim.Dir, $"malformed-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    public void A_failing_stage_ends_the_scan_with_its_error(int analyzers, int helpBacklog)
    {
        // The error callback runs on the reader thread: throwing there fails that stage while batches it or another
        // thread claimed may be in flight. The scan must end with the error, not hang.
        var pipeline = new ScanPipeline(new ExchangeLogReader([InputSource.File(WithMalformedLine())]), new DetectionEngine(), analyzers, helpBacklog);
        var failure = Assert.Throws<InvalidOperationException>(() =>
            pipeline.Run(e => throw new FormatException($"rejected line {e.Line}"), () => { }, CancellationToken.None));
        Assert.Equal("The scan pipeline failed: rejected line 4001", failure.Message);
        Assert.IsType<FormatException>(failure.InnerException);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    public void An_engine_failure_leaves_run_with_its_exception(int analyzers, int helpBacklog)
    {
        var pipeline = new ScanPipeline(new ExchangeLogReader([InputSource.File(sim.Slice)]), new DetectionEngine(), analyzers, helpBacklog);
        int batches = 0;
        var failure = Assert.Throws<TimeoutException>(() =>
            pipeline.Run(_ => { }, () => { if (++batches == 10) throw new TimeoutException("engine gave up"); }, CancellationToken.None));
        Assert.Equal("engine gave up", failure.Message);
        Assert.Equal(10, batches);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    public void A_cancelled_scan_returns_quietly_after_every_batch_read_so_far(int analyzers, int helpBacklog)
    {
        // Cancelling stops the reading; every batch already read, whoever claimed its analysis, still reaches the
        // engine, in whole batches. The engine is slowed until the cancel, so batches the reader or an analysis thread
        // claimed are queued behind it when it comes.
        var engine = new DetectionEngine();
        var pipeline = new ScanPipeline(new ExchangeLogReader([InputSource.File(sim.Slice)]), engine, analyzers, helpBacklog);
        using var cancel = new CancellationTokenSource();
        int batches = 0;
        pipeline.Run(_ => { }, () =>
        {
            Thread.Sleep(20);
            if (++batches == 10) cancel.Cancel();
        }, cancel.Token);
        Assert.True(pipeline.Published > 10, $"{pipeline.Published} batches read: none was queued at the cancel");
        Assert.True(batches >= 10 && batches < Batches, $"{batches} batches");
        Assert.Equal(pipeline.Published, batches);
        Assert.Equal(batches * (long)ScanPipeline.BatchSize, engine.ExchangeCount);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    public void A_log_that_breaks_off_is_reported_and_everything_before_the_break_is_processed(int analyzers, int helpBacklog)
    {
        // The log breaks off with an I/O error after about 3,000 exchanges, inside a line: that file's error is reported
        // once, every whole line before it reaches the engine, in batches that whichever thread claimed them finished.
        byte[] head = File.ReadAllBytes(sim.Slice)[..(int)(new FileInfo(sim.Slice).Length * 3 / 8)];
        int wholeLines = head.Count(b => b == (byte)'\n');
        var source = InputSource.FromStream("broken.jsonl", () => new BreakingStream(head));
        var engine = new DetectionEngine();
        var pipeline = new ScanPipeline(new ExchangeLogReader([source]), engine, analyzers, helpBacklog);
        var errors = new List<IngestError>();
        pipeline.Run(errors.Add, () => { }, CancellationToken.None);
        var error = Assert.Single(errors);
        Assert.Equal("broken.jsonl", error.Source);
        Assert.Contains("connection reset by peer", error.Expected);
        Assert.True(wholeLines is > 2000 and < 4000, $"{wholeLines} lines");
        Assert.Equal(wholeLines, engine.ExchangeCount);
        Assert.Equal((wholeLines + ScanPipeline.BatchSize - 1) / ScanPipeline.BatchSize, pipeline.ReaderAnalysed + pipeline.EngineAnalysed + pipeline.WorkerAnalysed);
    }

    /// <summary>Reads <c>content</c>, then fails as a dropped network stream does.</summary>
    private sealed class BreakingStream(byte[] content) : MemoryStream(content, writable: false)
    {
        // MemoryStream's span overload calls this one in a derived type.
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            return n > 0 ? n : throw new IOException("connection reset by peer");
        }
    }
}
