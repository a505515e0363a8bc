using DistillGuard.Core.Campaigns;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.TestSupport;
using static DistillGuard.Core.Tests.Engine.EngineFixture;

namespace DistillGuard.Core.Tests.Campaigns;

public class CampaignGraphTests
{
    /// <summary>Two farms (shared cards, overlapping proxy exits, the same elicitation templates) and benign users.</summary>
    private static DetectionEngine Traffic()
    {
        var questions = Questions(600);
        var chat = Chat(300);
        var traffic = new List<(string, string, double, string)>();
        var meta = new List<AccountMetadata>();
        int q = 0;
        for (int farm = 0; farm < 2; farm++)
            for (int round = 0; round < 12; round++)
                for (int i = 0; i < 20; i++)
                {
                    string account = $"farm{farm}-{i:D2}";
                    traffic.Add((account, string.Format(Elicitations[(q + farm) % 2], questions[q % questions.Count]), round * 60 + i * 2.9 + farm, $"198.51.{100 + farm}.{(i * 7 + round) % 24}"));
                    q++;
                }
        for (int farm = 0; farm < 2; farm++)
            for (int i = 0; i < 20; i++)
                meta.Add(new AccountMetadata($"farm{farm}-{i:D2}", TestExchanges.At(-60 * 24), EmailDomain: "mailinator.com", PaymentFingerprint: $"card-{farm}-{i % (3 + farm)}"));
        for (int i = 0; i < 30; i++)
        {
            meta.Add(new AccountMetadata($"user-{i:D2}", TestExchanges.At(-400 * 24 * 60), EmailDomain: "gmail.com", PaymentFingerprint: $"pf-{i}"));
            for (int k = 0; k < 8; k++) traffic.Add(($"user-{i:D2}", chat[(i * 8 + k) % chat.Count], 30 + k * 97 + i * 13, $"203.0.113.{i % 10}"));
        }
        return Run(traffic, meta);
    }

    /// <summary>The neighbour definition written out plainly: every key's weight to every co-holder, summed, then the playbook and organisation factors, rounded, against the threshold.</summary>
    private static List<Neighbour> Reference(DetectionEngine engine, CampaignGraph graph, AccountProfile a, float threshold, int sample)
    {
        var sums = new Dictionary<int, (float Total, float Infra)>(); // insertion order = first touch
        var keys = new List<ulong>();
        CampaignGraph.KeysOf(a, keys);
        foreach (var key in keys)
        {
            if (!engine.Indicators.TryGetPosting(key, out var posting) || posting.Popular || posting.Accounts.Length < 2) continue;
            float w = graph.KeyWeight(key, posting);
            if (w <= 0) continue;
            float infra = IndicatorKey.IsInfrastructure(key) ? w : 0f;
            var members = posting.Accounts;
            if (members.Length > sample) members = members[..sample];
            foreach (var b in members)
            {
                if (b == a.Index) continue;
                var (t, i) = sums.GetValueOrDefault(b);
                sums[b] = (t + w, i + infra);
            }
        }
        var order = sums.Keys.ToList();
        if (sample == int.MaxValue) order.Sort();
        var result = new List<Neighbour>();
        foreach (var b in order)
        {
            var (sum, sumInfra) = sums[b];
            var other = engine.Accounts[b];
            if (!other.Candidate) continue;
            float factor = a.OrgKey != 0 && a.OrgKey == other.OrgKey ? CampaignGraph.SameOrganisationFactor : 1f;
            float playbook = MathF.Min(1f, MathF.Min(a.OwnContent, other.OwnContent) / CampaignGraph.TemplateContentBar);
            float infraWeight = MathF.Round(sumInfra * factor, 4);
            float total = MathF.Round((sumInfra + (sum - sumInfra) * playbook) * factor, 4);
            if (total >= threshold) result.Add(new Neighbour(b, total, infraWeight));
        }
        return result;
    }

    [Theory]
    [InlineData(0.05f, int.MaxValue)]
    [InlineData(0.4f, int.MaxValue)]    // the default edge threshold
    [InlineData(0.9f, int.MaxValue)]
    [InlineData(0.4f, CampaignGraph.IncrementalPostingSample)]
    [InlineData(0.4f, 3)]
    public void Neighbours_are_exactly_the_co_holders_whose_edge_reaches_the_threshold(float threshold, int sample)
    {
        // Regression guard for the early drop of sums below the threshold (before reading the other profile): the
        // result must equal the plain definition, edge weights and order included.
        var engine = Traffic();
        var graph = new CampaignGraph(engine.Indicators, i => engine.Accounts[i], () => engine.AccountCount);
        var result = new List<Neighbour>();
        var keys = new List<ulong>();
        int candidates = 0, edges = 0, dropped = 0;
        foreach (var a in engine.Accounts.Where(p => p.Candidate))
        {
            candidates++;
            graph.Neighbours(a, threshold, result, keys, sample);
            var expected = Reference(engine, graph, a, threshold, sample);
            Assert.Equal(expected, result);
            edges += result.Count;
            dropped += Reference(engine, graph, a, 0f, sample).Count - expected.Count;
        }
        Assert.True(candidates >= 40, $"{candidates} candidates");
        Assert.True(edges > 0, "no edge at all");
        if (threshold >= 0.4f) Assert.True(dropped > 0, "no co-holder below the threshold: the test does not exercise the drop");
    }
}
