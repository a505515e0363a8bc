using BenchmarkDotNet.Attributes;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Signals;
using DistillGuard.Core.Text;

namespace DistillGuard.Bench.Micro;

/// <summary>Text normalisation and the signals (one shared Aho–Corasick pass, then each detector), per exchange.</summary>
[MemoryDiagnoser]
public class TextBenchmarks
{
    private List<Exchange> _exchanges = null!;
    private List<string> _prompts = null!;
    private readonly char[] _buffer = new char[64 * 1024];
    private SignalPipeline _pipeline = null!;
    private readonly float[] _scores = new float[SignalKinds.Count];

    [GlobalSetup]
    public void Setup()
    {
        _exchanges = SampleTraffic.Parse(256);
        _prompts = SampleTraffic.NormalisedPrompts(_exchanges);
        _pipeline = new SignalPipeline(SignalPipeline.DefaultSignals());
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public int Normalise()
    {
        int total = 0;
        foreach (var x in _exchanges)
        {
            int w = 0;
            foreach (var seg in x.Segments)
                if (seg.Role is MessageRole.User or MessageRole.System) TextNormalizer.Append(x.Text(seg), _buffer, ref w);
            total += w;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public float AllSignals()
    {
        float sum = 0;
        for (int i = 0; i < _exchanges.Count; i++)
        {
            _pipeline.Evaluate(_exchanges[i], _prompts[i], 0, default, _scores);
            sum += _scores[0];
        }
        return sum;
    }
}

/// <summary>Each signal's detector alone (its own lexicon in its own automaton), per exchange.</summary>
[MemoryDiagnoser]
public class SignalBenchmarks
{
    private List<Exchange> _exchanges = null!;
    private List<string> _prompts = null!;
    private SignalPipeline _pipeline = null!;
    private readonly float[] _scores = new float[SignalKinds.Count];

    [ParamsSource(nameof(Kinds))]
    public SignalKind Kind { get; set; }

    public static IEnumerable<SignalKind> Kinds => SignalKinds.All;

    [GlobalSetup]
    public void Setup()
    {
        _exchanges = SampleTraffic.Parse(256);
        _prompts = SampleTraffic.NormalisedPrompts(_exchanges);
        _pipeline = new SignalPipeline(SignalPipeline.DefaultSignals().Where(s => s.Kind == Kind));
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public float Signal()
    {
        float sum = 0;
        for (int i = 0; i < _exchanges.Count; i++)
        {
            _pipeline.Evaluate(_exchanges[i], _prompts[i], 0, default, _scores);
            sum += _scores[(int)Kind];
        }
        return sum;
    }
}
