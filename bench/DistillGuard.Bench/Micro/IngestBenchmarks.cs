using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Formats;

namespace DistillGuard.Bench.Micro;

/// <summary>Reading one exchange: our parser into a pooled <see cref="Exchange"/> against a bare Utf8JsonReader walk of the same line.</summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private List<byte[]> _lines = null!;
    private readonly ExchangeParser _parser = new();
    private readonly Exchange _exchange = new();

    [GlobalSetup]
    public void Setup() => _lines = SampleTraffic.Lines.Take(512).ToList();

    [Benchmark(Baseline = true, OperationsPerInvoke = 512)]
    public long RawJsonWalk()
    {
        long tokens = 0;
        foreach (var line in _lines)
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read()) tokens++;
        }
        return tokens;
    }

    [Benchmark(OperationsPerInvoke = 512)]
    public int ParseExchange()
    {
        int ok = 0;
        foreach (var line in _lines) if (_parser.Parse(line, _exchange) is null) ok++;
        return ok;
    }
}
