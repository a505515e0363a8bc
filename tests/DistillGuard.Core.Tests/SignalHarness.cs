using DistillGuard.Core.Analysis;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Tests;

/// <summary>Scores prompts through the real analyzer (normalisation, shared phrase pass, reference look-up).</summary>
internal static class SignalHarness
{
    private static readonly Lazy<ExchangeAnalyzer> Analyzer = new(() =>
        new ExchangeAnalyzer(new SignalPipeline(SignalPipeline.DefaultSignals()), ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates()));

    private static readonly object Gate = new();

    /// <summary>Score of <paramref name="kind"/> for a user prompt (and optional system prompt).</summary>
    public static float Score(SignalKind kind, string user, string? system = null)
    {
        var x = TestSupport.TestExchanges.Make("acct-test", user, system);
        return Score(kind, x);
    }

    /// <summary>Score of <paramref name="kind"/> for an exchange.</summary>
    public static float Score(SignalKind kind, Exchange x, int replayedFromOther = 0)
    {
        lock (Gate)
        {
            var analysis = new ExchangeAnalysis();
            Analyzer.Value.Analyze(x, replayedFromOther, 0, analysis);
            return analysis.Scores[(int)kind];
        }
    }

    /// <summary>Full analysis of an exchange.</summary>
    public static ExchangeAnalysis Analyze(Exchange x)
    {
        lock (Gate)
        {
            var analysis = new ExchangeAnalysis();
            Analyzer.Value.Analyze(x, 0, 0, analysis);
            return analysis;
        }
    }

    /// <summary>Share of prompts scoring at or above the hit threshold.</summary>
    public static double HitRate(SignalKind kind, IEnumerable<string> prompts, Func<string, string?>? system = null)
    {
        int n = 0, hits = 0;
        foreach (var p in prompts)
        {
            n++;
            if (Score(kind, p, system?.Invoke(p)) >= SignalKinds.HitThreshold) hits++;
        }
        return n == 0 ? 0 : (double)hits / n;
    }
}
