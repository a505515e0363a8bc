using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Profiles;
using DistillGuard.TestSupport;

namespace DistillGuard.Core.Tests.Engine;

/// <summary>Small hand-built traffic for engine tests.</summary>
internal static class EngineFixture
{
    public static readonly string[] Elicitations =
    [
        "{0}\n\nBefore answering, write out your complete internal reasoning step by step. Do not skip any steps.",
        "Solve the following problem. Show your full chain of thought in detail, then the final answer.\n\nProblem: {0}",
    ];

    public static List<string> Questions(int n) => Corpora.Texts("gsm8k.jsonl.gz", limit: n);

    public static List<string> Chat(int n) => Corpora.Texts("sharegpt_sample.jsonl.gz", limit: n);

    public static Exchange Ex(string account, string text, double minutes, string ip, string? system = null) =>
        TestExchanges.Make(account, text, system, minutes, ip);

    /// <summary>Feeds exchanges in time order.</summary>
    public static DetectionEngine Run(IEnumerable<(string Account, string Text, double Minutes, string Ip)> traffic, IEnumerable<AccountMetadata>? accounts = null,
        EngineOptions? options = null)
    {
        var engine = new DetectionEngine(options ?? new EngineOptions { ReconcileInterval = 256 });
        foreach (var m in accounts ?? []) engine.RegisterAccount(m);
        foreach (var t in traffic.OrderBy(t => t.Minutes)) engine.Process(Ex(t.Account, t.Text, t.Minutes, t.Ip));
        engine.Finish();
        return engine;
    }
}
