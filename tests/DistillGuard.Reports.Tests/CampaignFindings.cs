using DistillGuard.Core.Engine;
using DistillGuard.Core.Findings;
using DistillGuard.Core.Profiles;
using DistillGuard.TestSupport;

namespace DistillGuard.Reports.Tests;

/// <summary>
/// Findings of a real engine run over a small hydra campaign (real GSM8K questions wrapped in a reasoning-elicitation
/// template, ten fresh accounts on one disposable domain with one payment method, behind four proxy exits in one /24)
/// mixed with ordinary chat (real ShareGPT prompts) from twenty accounts on their own networks. Prompts carry an e-mail
/// address and a name, so exports can be checked for leaks.
/// </summary>
public static class CampaignFindings
{
    public const string LeakedEmail = "maria.gonzalez@example.com";

    private static readonly Lazy<(FindingsDocument Doc, List<string> Prompts)> Run = new(Build);

    /// <summary>The findings (generated_at fixed at the Unix epoch).</summary>
    public static FindingsDocument Doc => Run.Value.Doc;

    /// <summary>Every user prompt that was sent.</summary>
    public static IReadOnlyList<string> Prompts => Run.Value.Prompts;

    private static (FindingsDocument, List<string>) Build()
    {
        var engine = new DetectionEngine(new EngineOptions { ReconcileInterval = 256 });
        var created = TestExchanges.At(-60);
        var traffic = new List<(string Account, string Text, double Minutes, string Ip)>();
        var questions = Corpora.Texts("gsm8k.jsonl.gz", limit: 400);
        for (int i = 0; i < questions.Count; i++)
        {
            string account = $"hydra-{i % 10:D2}";
            string text = $"Solve the following problem. Show your full chain of thought in detail, then the final answer.\n\nProblem: {questions[i]}\n\n(Reply to {LeakedEmail}, Maria Gonzalez.)";
            traffic.Add((account, text, i * 3.1, $"198.51.100.{10 + i % 4}"));
        }
        for (int a = 0; a < 10; a++)
            engine.RegisterAccount(new AccountMetadata($"hydra-{a:D2}", created + a * 60_000, EmailDomain: "mailinator.com", PaymentFingerprint: "pm_fp_shared_1"));
        var chat = Corpora.Texts("sharegpt_sample.jsonl.gz", limit: 400);
        for (int i = 0; i < chat.Count; i++)
            traffic.Add(($"user-{i % 20:D2}", chat[i], i * 3.3 + 1, $"203.0.{i % 20}.{20 + i % 20}"));

        foreach (var t in traffic.OrderBy(t => t.Minutes)) engine.Process(TestExchanges.Make(t.Account, t.Text, minutes: t.Minutes, ip: t.Ip));
        engine.Finish();
        var doc = FindingsBuilder.Build(engine, new InputSummary { Sources = ["memory"] }, new FindingsOptions { GeneratedAt = DateTimeOffset.UnixEpoch });
        return (doc, traffic.Select(t => t.Text).ToList());
    }
}
