using BenchmarkDotNet.Attributes;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Profiles;

namespace DistillGuard.Bench.Micro;

/// <summary>
/// The engine's stages on the bundled sample: the whole analysis of one exchange, the profile update, and processing
/// the whole sample through a fresh engine (profiles, indicators, incremental clustering and verdicts), then the final
/// deterministic re-clustering.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private List<Exchange> _exchanges = null!;
    private List<ExchangeAnalysis> _analyses = null!;
    private ExchangeAnalyzer _analyzer = null!;
    private readonly ExchangeAnalysis _analysis = new();
    private DetectionEngine _engine = null!;
    private readonly bool[] _recurring = new bool[ExchangeAnalysis.MaxTemplateKeys];
    private readonly ulong[] _newKeys = new ulong[ProfileUpdater.MaxNewKeys];

    [GlobalSetup]
    public void Setup()
    {
        _exchanges = SampleTraffic.Parse();
        _analyses = SampleTraffic.Analyse(_exchanges);
        _analyzer = new DetectionEngine().CreateAnalyzer();
    }

    [Benchmark(OperationsPerInvoke = 1024)]
    public float AnalyseExchange()
    {
        float sum = 0;
        for (int i = 0; i < 1024; i++)
        {
            _analyzer.Analyze(_exchanges[i], _analysis);
            sum += _analysis.TopScore;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = 1024)]
    public int ProfileUpdate()
    {
        var profile = new AccountProfile("bench", 0);
        int n = 0;
        for (int i = 0; i < 1024; i++) n += ProfileUpdater.Apply(profile, _exchanges[i], _analyses[i], false, _recurring, _newKeys);
        return n;
    }

    [IterationSetup(Target = nameof(ProcessSample))]
    public void FreshEngine() => _engine = new DetectionEngine();

    /// <summary>Per exchange: profiles, indicator index, incremental clustering and verdicts (7,963 exchanges, 358 accounts).</summary>
    [Benchmark]
    public long ProcessSample()
    {
        for (int i = 0; i < _exchanges.Count; i++) _engine.Process(_exchanges[i], _analyses[i]);
        return _engine.ExchangeCount;
    }

    [IterationSetup(Target = nameof(FinishSample))]
    public void LoadedEngine()
    {
        _engine = new DetectionEngine();
        for (int i = 0; i < _exchanges.Count; i++) _engine.Process(_exchanges[i], _analyses[i]);
    }

    /// <summary>The final deterministic re-clustering and verdicts of the sample.</summary>
    [Benchmark]
    public int FinishSample()
    {
        _engine.Finish();
        return _engine.Campaigns.Count;
    }
}
