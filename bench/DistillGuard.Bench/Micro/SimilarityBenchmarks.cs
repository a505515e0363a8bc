using BenchmarkDotNet.Attributes;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Similarity;
using DistillGuard.Core.Text;

namespace DistillGuard.Bench.Micro;

/// <summary>Shingling and MinHash, LSH band counting and posting look-ups, and the reference look-up, per exchange.</summary>
[MemoryDiagnoser]
public class SimilarityBenchmarks
{
    private List<string> _prompts = null!;
    private readonly ulong[] _tokens = new ulong[8192];
    private readonly ulong[] _shingles = new ulong[8192];
    private readonly uint[] _signature = new uint[16];
    private List<ulong[]> _bandKeys = null!;
    private ReferenceIndex _reference = null!;
    private TemplateCounter _counter = null!;
    private IndicatorIndex _index = null!;

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new char[64 * 1024];
        _prompts = SampleTraffic.Parse(256).Select(x =>
        {
            int w = 0;
            foreach (var seg in x.Segments) if (seg.Role == MessageRole.User) TextNormalizer.Append(x.Text(seg), buffer, ref w);
            return new string(buffer, 0, w);
        }).ToList();
        _bandKeys = _prompts.Select(p =>
        {
            int t = Tokenizer.Hash(p, _tokens);
            int s = Shingles.Hash(_tokens.AsSpan(0, Math.Min(t, 24)), 3, _shingles);
            OnePermutationMinHash.Compute(_shingles.AsSpan(0, s), _signature);
            return Enumerable.Range(0, 8).Select(b => IndicatorKey.Make(IndicatorKind.PromptTemplate, Hash64.Combine(Hash64.Combine((ulong)b + 1, _signature[2 * b]), _signature[2 * b + 1]))).ToArray();
        }).ToList();
        _reference = ReferenceIndex.LoadBuiltIn();
        _counter = new TemplateCounter();
        _index = new IndicatorIndex();
        for (int i = 0; i < _bandKeys.Count; i++) foreach (var k in _bandKeys[i]) _index.AddPosting(k, i, out _);
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public uint TokensShinglesMinHash()
    {
        uint acc = 0;
        foreach (var p in _prompts)
        {
            int t = Tokenizer.Hash(p, _tokens);
            int s = Shingles.Hash(_tokens.AsSpan(0, Math.Min(t, 24)), 3, _shingles);
            OnePermutationMinHash.Compute(_shingles.AsSpan(0, s), _signature);
            acc ^= _signature[0];
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public int ReferenceLookup()
    {
        int hits = 0;
        foreach (var p in _prompts)
        {
            int t = Tokenizer.Hash(p, _tokens);
            int s = Shingles.Hash(_tokens.AsSpan(0, t), ReferenceIndex.ShingleWidth, _shingles);
            if (_reference.Lookup(_shingles.AsSpan(0, s)) is not null) hits++;
        }
        return hits;
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public int LshBandInsert()
    {
        int max = 0;
        foreach (var keys in _bandKeys) foreach (var k in keys) max = Math.Max(max, _counter.Increment(k));
        return max;
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public int LshBandQuery()
    {
        int found = 0;
        foreach (var keys in _bandKeys) foreach (var k in keys) if (_index.TryGetPosting(k, out var p)) found += p.Accounts.Length;
        return found;
    }
}
