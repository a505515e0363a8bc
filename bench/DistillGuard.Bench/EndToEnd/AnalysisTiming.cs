using System.Diagnostics;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.Core.Similarity;
using DistillGuard.Ingest.Formats;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Bench.EndToEnd;

/// <summary>
/// <c>analyse FILE [N] [REPEATS]</c>: the first N exchanges of a log parsed into memory once, then analysed on one
/// thread REPEATS times; prints the best pass in µs per exchange and a checksum of every feature computed (template
/// keys, signal scores, reference hits, token estimates), so two builds can be compared for speed and for identical
/// output. Free of the reader and of the engine's cache pressure: it isolates changes to the analysis code.
/// </summary>
internal static class AnalysisTiming
{
    public static (double BestMicroseconds, ulong Checksum, int Exchanges) Run(string path, int limit, int repeats)
    {
        var parser = new ExchangeParser();
        var exchanges = new List<Exchange>();
        using (var s = InputSource.File(path).Open(out _))
        using (var lines = new LineReader(s))
        {
            while (exchanges.Count < limit && lines.ReadLine(out var line, out _))
            {
                var x = new Exchange();
                if (parser.Parse(line, x) is null) exchanges.Add(x);
            }
        }
        var analyzer = new ExchangeAnalyzer(new SignalPipeline(SignalPipeline.DefaultSignals()), ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates());
        var a = new ExchangeAnalysis();
        double best = double.MaxValue;
        ulong checksum = 0;
        for (int pass = 0; pass <= repeats; pass++) // pass 0 warms up (JIT, caches)
        {
            ulong sum = 0;
            long t0 = Stopwatch.GetTimestamp();
            foreach (var x in exchanges)
            {
                analyzer.Analyze(x, a);
                for (int i = 0; i < a.TemplateKeyCount; i++) sum = Hash64.Combine(sum, a.TemplateKeys[i]);
                foreach (var f in a.Scores) sum = Hash64.Combine(sum, (ulong)BitConverter.SingleToInt32Bits(f));
                sum = Hash64.Combine(sum, (ulong)a.ReferenceHits << 32 | (uint)a.InputTokens);
                sum = Hash64.Combine(sum, (a.FrameIsPublic ? 1UL : 0) | (a.SystemIsPublic ? 2UL : 0));
            }
            double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / Math.Max(1, exchanges.Count);
            if (pass > 0) best = Math.Min(best, us);
            checksum = sum;
        }
        return (best, checksum, exchanges.Count);
    }
}
