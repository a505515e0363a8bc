using BenchmarkDotNet.Running;
using DistillGuard.Bench.EndToEnd;

namespace DistillGuard.Bench;

/// <summary>
/// <c>micro [BenchmarkDotNet options]</c>: the micro-benchmarks (BenchmarkDotNet; <c>--job dry --inProcess</c> only checks they run).
/// <c>e2e --cli PATH [--name N --traffic FILE [--accounts FILE]]... [--markdown FILE]</c>: raw parse against the real scan, per log.
/// <c>stages FILE [LIMIT]</c>: single-threaded passes that each do a little more (where the time goes).
/// <c>gateway [REQUESTS] [CONCURRENCY] [json|stream]</c>: loopback load against the bare upstream, plain YARP and the gateway.
/// <c>engine FILE [LIMIT]</c>: the engine alone on one thread, with analysis and engine time and the engine's state every 500,000 exchanges, a census of that state, and the state 50,000 new ordinary accounts add.
/// <c>analyse FILE [N] [REPEATS]</c>: analysis alone over N exchanges held in memory, best of REPEATS passes, with a checksum of the features.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: micro [BenchmarkDotNet options] | e2e --cli distillguard.dll --name N --traffic FILE [--accounts FILE] ... [--markdown FILE] | stages FILE [LIMIT] | engine FILE [LIMIT] | analyse FILE [N] [REPEATS] | gateway [REQUESTS] [CONCURRENCY] [json|stream]");
            return 2;
        }
        switch (args[0])
        {
            case "micro":
            {
                // Fail the run (CI checks the benchmarks run) when a benchmark threw or produced no measurement.
                var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]).ToList();
                var failed = summaries.SelectMany(x => x.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToList();
                if (summaries.Any(x => x.HasCriticalValidationErrors)) failed.Add("validation errors");
                foreach (var f in failed) Console.Error.WriteLine($"benchmark failed: {f}");
                return summaries.Count == 0 || failed.Count > 0 ? 1 : 0;
            }
            case "e2e":
                return EndToEnd(args[1..]);
            case "gateway":
            {
                int requests = args.Length > 1 ? int.Parse(args[1]) : 5000;
                int concurrency = args.Length > 2 ? int.Parse(args[2]) : 16;
                bool stream = args.Length > 3 && args[3] == "stream";
                Console.WriteLine(Gateway.GatewayLoad.RunAsync(requests, concurrency, stream).GetAwaiter().GetResult());
                return 0;
            }
            case "engine":
            {
                long limit = args.Length > 2 ? long.Parse(args[2]) : long.MaxValue;
                var r = Stages.Engine(args[1], limit, out _);
                Console.WriteLine($"{r.Name,-50} {r.Lines,10:N0} lines {r.Elapsed.TotalSeconds,7:F1} s {r.PerSecond,10:N0}/s");
                return 0;
            }
            case "analyse":
            {
                int limit = args.Length > 2 ? int.Parse(args[2]) : 40_000;
                int repeats = args.Length > 3 ? int.Parse(args[3]) : 5;
                var (best, checksum, n) = AnalysisTiming.Run(args[1], limit, repeats);
                Console.WriteLine($"analysis: best of {repeats} passes {best:F2} µs/exchange over {n:N0} exchanges; feature checksum {checksum:X16}");
                return 0;
            }
            case "stages":
            {
                long limit = args.Length > 2 ? long.Parse(args[2]) : long.MaxValue;
                foreach (var r in new[] { Stages.ReadLines(args[1], limit), Stages.RawParse(args[1], limit), Stages.ParseExchanges(args[1], limit), Stages.Analyze(args[1], limit), Stages.Engine(args[1], limit, out _) })
                    Console.WriteLine($"{r.Name,-50} {r.Lines,10:N0} lines {r.Elapsed.TotalSeconds,7:F1} s {r.PerSecond,10:N0}/s {r.MBPerSecond,7:F0} MB/s");
                return 0;
            }
            default:
                Console.Error.WriteLine($"unknown mode {args[0]}");
                return 2;
        }
    }

    private static int EndToEnd(string[] args)
    {
        string? cli = null, markdown = null, name = null, traffic = null, accounts = null;
        var runs = new List<(string Name, string Traffic, string? Accounts)>();
        void Flush()
        {
            if (traffic is null) return;
            runs.Add((name ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(traffic)))!, traffic, accounts));
            name = traffic = accounts = null;
        }
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--cli": cli = value; i++; break;
                case "--markdown": markdown = value; i++; break;
                case "--name": Flush(); name = value; i++; break;
                case "--traffic": if (traffic is not null) Flush(); traffic = value; i++; break;
                case "--accounts": accounts = value; i++; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        Flush();
        if (cli is null || runs.Count == 0)
        {
            Console.Error.WriteLine("e2e needs --cli and at least one --traffic");
            return 2;
        }
        var rows = runs.Select(r => EndToEndBenchmark.Run(r.Name, r.Traffic, r.Accounts, cli)).ToList();
        var table = EndToEndBenchmark.Markdown(rows);
        Console.WriteLine(table);
        if (markdown is not null) File.WriteAllText(markdown, table);
        return 0;
    }
}
