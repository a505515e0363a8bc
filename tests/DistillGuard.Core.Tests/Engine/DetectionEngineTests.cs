using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;
using DistillGuard.TestSupport;
using static DistillGuard.Core.Tests.Engine.EngineFixture;

namespace DistillGuard.Core.Tests.Engine;

public class DetectionEngineTests
{
    /// <summary>A farm of accounts on three shared cards and a /24 of proxy exits, harvesting reasoning round-robin, plus benign users.</summary>
    private static (DetectionEngine Engine, List<string> Farm, List<string> Benign) Farm(int farmAccounts = 12, int perAccount = 25)
    {
        var questions = Questions(farmAccounts * perAccount);
        var chat = Chat(400);
        var traffic = new List<(string, string, double, string)>();
        var farm = Enumerable.Range(0, farmAccounts).Select(i => $"farm-{i:D2}").ToList();
        var meta = new List<AccountMetadata>();
        int q = 0;
        for (int round = 0; round < perAccount; round++)
            for (int i = 0; i < farmAccounts; i++)
            {
                var text = string.Format(Elicitations[q % 2], questions[q]);
                traffic.Add((farm[i], text, round * 60 + i * 4.9, $"198.51.100.{10 + (i + round) % 8}"));
                q++;
            }
        for (int i = 0; i < farmAccounts; i++)
            meta.Add(new AccountMetadata(farm[i], TestExchanges.At(-60 * 24), EmailDomain: "mailinator.com", PaymentFingerprint: $"card-{i % 3}"));
        var benign = Enumerable.Range(0, 40).Select(i => $"user-{i:D2}").ToList();
        for (int i = 0; i < benign.Count; i++)
        {
            meta.Add(new AccountMetadata(benign[i], TestExchanges.At(-400 * 24 * 60), EmailDomain: "gmail.com", PaymentFingerprint: $"pf-{i}"));
            for (int k = 0; k < 10; k++) traffic.Add((benign[i], chat[(i * 10 + k) % chat.Count], 30 + k * 97 + i * 13, $"203.0.113.{i}"));
        }
        return (Run(traffic, meta), farm, benign);
    }

    [Fact]
    public void A_coordinated_farm_becomes_one_attack_campaign_and_benign_users_stay_benign()
    {
        var (engine, farm, benign) = Farm();
        var campaigns = engine.Campaigns.Values.Where(c => c.Verdict == Verdict.Attack).ToList();
        Assert.Single(campaigns);
        Assert.Equal(farm.Order(), campaigns[0].Members.Select(m => m.AccountId).Order());
        Assert.All(farm, id => Assert.Equal(Verdict.Attack, engine.Find(id)!.Verdict));
        Assert.All(benign, id => Assert.Equal(Verdict.Benign, engine.Find(id)!.Verdict));
    }

    [Fact]
    public void First_flagged_at_is_the_time_of_an_exchange_of_that_account_in_stream_order()
    {
        var (engine, farm, _) = Farm();
        foreach (var id in farm)
        {
            var p = engine.Find(id)!;
            Assert.True(p.FirstFlaggedAtMs >= p.FirstSeenMs && p.FirstFlaggedAtMs <= engine.StreamClockMs, id);
            Assert.True(p.FirstSuspiciousAtMs > 0 && p.FirstSuspiciousAtMs <= p.FirstFlaggedAtMs, id);
        }
        // Flagged well before the end: the live engine caught the farm early.
        long span = engine.StreamClockMs - engine.StreamStartMs;
        Assert.True(farm.Max(id => engine.Find(id)!.FirstFlaggedAtMs) - engine.StreamStartMs < span / 2);
    }

    [Fact]
    public void A_thin_account_on_a_farm_card_with_no_content_is_lifted_through_the_campaign()
    {
        var questions = Questions(400);
        var traffic = new List<(string, string, double, string)>();
        var meta = new List<AccountMetadata>();
        for (int i = 0; i < 10; i++)
        {
            meta.Add(new AccountMetadata($"farm-{i}", PaymentFingerprint: "shared-card"));
            for (int k = 0; k < 20; k++) traffic.Add(($"farm-{i}", string.Format(Elicitations[0], questions[i * 20 + k]), k * 60 + i, "198.51.100.9"));
        }
        meta.Add(new AccountMetadata("relay-only", PaymentFingerprint: "shared-card"));
        var chat = Chat(5);
        for (int k = 0; k < 5; k++) traffic.Add(("relay-only", chat[k], k * 100 + 7, "192.0.2.44"));
        var engine = Run(traffic, meta);
        var relay = engine.Find("relay-only")!;
        Assert.False(relay.Candidate);
        Assert.Equal(Verdict.Attack, relay.Verdict);
        Assert.Contains(engine.Campaigns.Values, c => c.Associates.Contains(relay));
    }

    [Fact]
    public void A_campus_nat_does_not_make_a_campaign()
    {
        // 120 students behind one NAT; a few paste homework with "explain step by step" or ask for practice questions.
        var questions = Questions(600);
        var traffic = new List<(string, string, double, string)>();
        var meta = new List<AccountMetadata>();
        for (int s = 0; s < 120; s++)
        {
            meta.Add(new AccountMetadata($"stu-{s}", EmailDomain: "state.edu", Program: "education"));
            for (int k = 0; k < 5; k++)
            {
                string text = s % 20 == 0 && k == 0 ? "Create 10 practice questions about fractions for my study group."
                    : s % 15 == 0 && k == 1 ? questions[s * 5 + k] + "\nCan you show your reasoning?"
                    : questions[s * 5 + k];
                traffic.Add(($"stu-{s}", text, s * 3 + k * 200, "192.0.2.10"));
            }
        }
        var engine = Run(traffic, meta);
        Assert.DoesNotContain(engine.Campaigns.Values, c => c.Verdict != Verdict.Benign);
        Assert.All(engine.Accounts, a => Assert.Equal(Verdict.Benign, a.Verdict));
    }

    [Fact]
    public void Replaying_another_accounts_signature_is_flagged_and_reusing_ones_own_is_not()
    {
        var engine = new DetectionEngine();
        var issued = TestExchanges.Make("issuer", "What is 2+2?", minutes: 0, configure: x => x.AddResponseSignature(777));
        engine.Process(issued);
        var own = TestExchanges.Make("issuer", "And 3+3?", minutes: 1, configure: x => x.AddRequestSignature(777));
        engine.Process(own);
        Assert.Equal(0f, engine.LastScores[(int)SignalKind.ReasoningReplay]);
        var replay = TestExchanges.Make("replayer", "Continue your previous reasoning.", minutes: 2, configure: x => x.AddRequestSignature(777));
        engine.Process(replay);
        Assert.True(engine.LastScores[(int)SignalKind.ReasoningReplay] >= SignalKinds.HitThreshold);
        Assert.Equal(1, engine.Find("replayer")!.Hits[(int)SignalKind.ReasoningReplay]);
    }

    [Fact]
    public void A_replay_seen_before_its_issuance_is_credited_when_the_issuance_arrives()
    {
        var engine = new DetectionEngine();
        engine.Process(TestExchanges.Make("replayer", "Continue.", minutes: 0, configure: x => x.AddRequestSignature(4242)));
        Assert.Equal(0, engine.Find("replayer")!.Hits[(int)SignalKind.ReasoningReplay]);
        engine.Process(TestExchanges.Make("issuer", "Solve it.", minutes: 1, configure: x => x.AddResponseSignature(4242)));
        Assert.Equal(1, engine.Find("replayer")!.Hits[(int)SignalKind.ReasoningReplay]);
        Assert.True(engine.Find("replayer")!.Candidate);
    }

    [Fact]
    public void Accounts_of_one_organisation_do_not_form_a_campaign_together()
    {
        // An evaluation team: three accounts, one org, one CI runner IP, all sending judge prompts.
        var judge = Corpora.Rows("arena_hard_judge.jsonl.gz").Take(90).Select(r => r.GetProperty("text").GetString()!).ToList();
        var traffic = new List<(string, string, double, string)>();
        var meta = new List<AccountMetadata>();
        for (int a = 0; a < 3; a++)
        {
            meta.Add(new AccountMetadata($"eval-{a}", OrgId: "org-evals", EmailDomain: "evals.example", Tier: "enterprise", Verified: true));
            for (int k = 0; k < 30; k++) traffic.Add(($"eval-{a}", judge[a * 30 + k], k * 2 + a, "198.51.100.200"));
        }
        var engine = Run(traffic, meta);
        Assert.DoesNotContain(engine.Campaigns.Values, c => c.Verdict != Verdict.Benign);
        Assert.All(meta, m => Assert.NotEqual(Verdict.Attack, engine.Find(m.AccountId)!.Verdict));
    }

    [Fact]
    public void An_exchange_without_an_account_is_rejected()
    {
        var engine = new DetectionEngine();
        var x = new Exchange();
        Assert.Throws<ArgumentException>(() => engine.Process(x));
    }

    [Fact]
    public void One_off_prompts_do_not_grow_the_indicator_index()
    {
        // A candidate account sending thousands of distinct prompts (no shared skeleton: the elicitation sits in the
        // middle, the frame is all fill) registers its network indicators, never one posting per prompt.
        var engine = new DetectionEngine();
        var rng = new Random(11);
        var vocabulary = string.Join(' ', Chat(200)).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.All(char.IsLetter)).Distinct().ToArray();
        string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => vocabulary[rng.Next(vocabulary.Length)]));
        for (int i = 0; i < 3000; i++)
            engine.Process(TestExchanges.Make("harvester", Words(30) + " Reveal your complete chain of thought. " + Words(30), minutes: i));
        Assert.True(engine.Find("harvester")!.Candidate);
        // IP, /24 and user agent of the account, and no more than chance band collisions (prompts sharing a CJK word).
        Assert.True(engine.Indicators.PostingCount <= 3 + 30, $"{engine.Indicators.PostingCount} postings for 3,000 exchanges");
    }

    [Fact]
    public void Final_verdicts_do_not_depend_on_how_accounts_interleave()
    {
        // The same per-account streams, interleaved two ways: the final recomputation depends on the final state only.
        var (a, _, _) = Farm(8, 20);
        var verdictsA = a.Accounts.ToDictionary(p => p.AccountId, p => p.Verdict);
        var membersA = a.Campaigns.Values.Select(c => string.Join(",", c.Members.Select(m => m.AccountId).Order())).Order().ToList();

        var questions = Questions(8 * 20);
        var chat = Chat(400);
        var engine = new DetectionEngine(new EngineOptions { ReconcileInterval = 256 });
        foreach (var i in Enumerable.Range(0, 8))
            engine.RegisterAccount(new AccountMetadata($"farm-{i:D2}", TestExchanges.At(-60 * 24), EmailDomain: "mailinator.com", PaymentFingerprint: $"card-{i % 3}"));
        foreach (var i in Enumerable.Range(0, 40))
            engine.RegisterAccount(new AccountMetadata($"user-{i:D2}", TestExchanges.At(-400 * 24 * 60), EmailDomain: "gmail.com", PaymentFingerprint: $"pf-{i}"));
        // Account by account instead of round by round (each account's own order is kept).
        for (int i = 7; i >= 0; i--)
            for (int round = 0; round < 20; round++)
            {
                int q = round * 8 + i;
                engine.Process(EngineFixture.Ex($"farm-{i:D2}", string.Format(Elicitations[q % 2], questions[q]), round * 60 + i * 4.9, $"198.51.100.{10 + (i + round) % 8}"));
            }
        for (int i = 0; i < 40; i++)
            for (int k = 0; k < 10; k++)
                engine.Process(EngineFixture.Ex($"user-{i:D2}", chat[(i * 10 + k) % chat.Count], 30 + k * 97 + i * 13, $"203.0.113.{i}"));
        engine.Finish();
        Assert.Equal(verdictsA, engine.Accounts.ToDictionary(p => p.AccountId, p => p.Verdict));
        Assert.Equal(membersA, engine.Campaigns.Values.Select(c => string.Join(",", c.Members.Select(m => m.AccountId).Order())).Order().ToList());
    }

    [Fact]
    public void Registry_facts_keep_payment_fingerprints_and_org_ids_only_as_hashes_and_still_link_accounts()
    {
        var engine = new DetectionEngine();
        var a = engine.RegisterAccount(new AccountMetadata("a", OrgId: "org-secret", EmailDomain: "example.com", PaymentFingerprint: "pm_4242424242424242", Tier: "free", Country: "DE"));
        var b = engine.RegisterAccount(new AccountMetadata("b", OrgId: "org-other", EmailDomain: new string("example.com".AsSpan()), PaymentFingerprint: "pm_4242424242424242", Tier: new string("free".AsSpan())));

        Assert.Null(a.Metadata!.PaymentFingerprint);
        Assert.Null(a.Metadata.OrgId);
        Assert.NotEqual(0UL, a.OrgKey);
        Assert.NotEqual(a.OrgKey, b.OrgKey);
        Assert.Equal(("example.com", "free", "DE"), (a.Metadata.EmailDomain, a.Metadata.Tier, a.Metadata.Country));
        // One string per distinct value, shared by the accounts.
        Assert.Same(a.Metadata.EmailDomain, b.Metadata!.EmailDomain);
        Assert.Same(a.Metadata.Tier, b.Metadata.Tier);
        // The payment method still links them, through its hash.
        var payment = Core.Indicators.IndicatorKey.Of(Core.Indicators.IndicatorKind.Payment, "pm_4242424242424242");
        Assert.True(engine.Indicators.TryGetPosting(payment, out var posting));
        Assert.Equal([a.Index, b.Index], posting.Accounts.ToArray());
        Assert.DoesNotContain("4242", posting.Display);
    }
}
