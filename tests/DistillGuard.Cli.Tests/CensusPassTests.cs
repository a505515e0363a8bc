using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cli.Tests;

/// <summary>The census pass computes only template keys; they must be the keys the full analysis computes.</summary>
[Collection("simulated traffic")]
public sealed class CensusPassTests(SimulatedTraffic sim)
{
    [Fact]
    public void Template_keys_alone_equal_those_of_the_full_analysis()
    {
        var engine = new DetectionEngine();
        var full = engine.CreateAnalyzer();
        var keysOnly = engine.CreateAnalyzer();
        var a = new ExchangeAnalysis();
        var b = new ExchangeAnalysis();
        var x = new Exchange();
        int exchanges = 0, withKeys = 0;
        new ExchangeLogReader([InputSource.File(sim.Slice)]).Run(() => x, (e, _, _) =>
        {
            full.Analyze(e, a);
            keysOnly.AnalyzeTemplateKeys(e, b);
            Assert.Equal(a.TemplateKeys.AsSpan(0, a.TemplateKeyCount).ToArray(), b.TemplateKeys.AsSpan(0, b.TemplateKeyCount).ToArray());
            exchanges++;
            if (a.TemplateKeyCount > 0) withKeys++;
        }, e => throw new InvalidOperationException(e.ToString()));
        Assert.Equal(8000, exchanges);
        Assert.True(withKeys > 7000);
    }
}
