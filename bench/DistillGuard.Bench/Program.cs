using DistillGuard.Bench.EndToEnd;

namespace DistillGuard.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "stages")
        {
            long limit = args.Length > 2 ? long.Parse(args[2]) : long.MaxValue;
            foreach (var r in new[] { Stages.ReadLines(args[1], limit), Stages.RawParse(args[1], limit), Stages.ParseExchanges(args[1], limit), Stages.Analyze(args[1], limit), Stages.Engine(args[1], limit, out _) })
                Console.WriteLine($"{r.Name,-50} {r.Lines,10:N0} lines {r.Elapsed.TotalSeconds,7:F1} s {r.PerSecond,10:N0}/s {r.MBPerSecond,7:F0} MB/s");
            return 0;
        }
        if (args.Length >= 2 && args[0] == "engine")
        {
            long limit = args.Length > 2 ? long.Parse(args[2]) : long.MaxValue;
            var r = Stages.Engine(args[1], limit, out _);
            Console.WriteLine($"{r.Name,-50} {r.Lines,10:N0} lines {r.Elapsed.TotalSeconds,7:F1} s {r.PerSecond,10:N0}/s");
            return 0;
        }
        return 2;
    }
}
