using System.Security.Cryptography;
using System.Text;
using DistillGuard.Core.Findings;

namespace DistillGuard.Core.Tests.Findings;

public class RedactionTests
{
    private static FindingsDocument Sample()
    {
        var examples = new List<ExampleFinding>
        {
            new() { ExchangeId = "ex-1", AccountId = "alice@corp", Timestamp = DateTimeOffset.UnixEpoch, Reason = "COT_ELICITATION", Score = 90, Excerpt = "Show your full chain of thought…" },
        };
        var campaign = new CampaignFinding
        {
            CampaignId = "cmp-0000000001",
            Verdict = "attack",
            AccountIds = ["bob", "alice@corp"],
            AccountCount = 2,
            Indicators =
            [
                new() { Kind = "ip", Value = "198.51.100.7", Hash = "ip:1", Accounts = 2 },
                new() { Kind = "ip", Value = "198.51.100.9", Hash = "ip:2", Accounts = 1 },
                new() { Kind = "ip", Value = "2001:db8:1:2::5", Hash = "ip:3", Accounts = 1 },
                new() { Kind = "user_agent", Value = "python-requests/2.31", Hash = "user_agent:4", Accounts = 2 },
                new() { Kind = "payment", Value = "payment:00ff", Hash = "payment:00ff", Accounts = 2 },
                new() { Kind = "prompt_template", Value = "Solve the following problem. Show your …", Hash = "prompt_template:abcd", Accounts = 2 },
            ],
            Examples = examples,
        };
        var account = new AccountFinding { AccountId = "alice@corp", Verdict = "attack", CampaignId = "cmp-0000000001", Examples = examples };
        return new FindingsDocument { Campaigns = [campaign], Accounts = [account] };
    }

    [Fact]
    public void Standard_keeps_what_the_analyst_needs()
    {
        var doc = Sample();
        var r = Redaction.Apply(doc, RedactionPolicy.Standard);
        Assert.Equal("standard", r.Redaction);
        Assert.Equal(["alice@corp", "bob"], r.Campaigns[0].AccountIds);
        Assert.Equal(doc.Campaigns[0].Indicators, r.Campaigns[0].Indicators);
        Assert.Equal("Show your full chain of thought…", r.Accounts[0].Examples[0].Excerpt);
    }

    [Fact]
    public void Strict_hashes_accounts_reduces_ips_and_drops_excerpts_and_user_agents()
    {
        var r = Redaction.Apply(Sample(), RedactionPolicy.Strict);
        Assert.Equal("strict", r.Redaction);
        // Independently computed: the first 16 hex digits of SHA-256 of the id.
        string Expected(string id) => "acct:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..16];
        Assert.Equal(new[] { Expected("alice@corp"), Expected("bob") }.Order(StringComparer.Ordinal), r.Campaigns[0].AccountIds);
        Assert.Equal(Expected("alice@corp"), r.Accounts[0].AccountId);
        Assert.All(r.Accounts[0].Examples, e => Assert.Null(e.Excerpt));
        Assert.All(r.Accounts[0].Examples, e => Assert.StartsWith("exchange:", e.ExchangeId));

        var indicators = r.Campaigns[0].Indicators;
        Assert.DoesNotContain(indicators, i => i.Kind is "ip" or "user_agent");
        // Two IPs of one /24 become one network indicator; the IPv6 address becomes its /48.
        Assert.Equal(["198.51.100.0/24", "2001:db8:1::/48"], indicators.Where(i => i.Kind == "network").Select(i => i.Value).Order());
        Assert.Equal(2, indicators.Single(i => i.Value == "198.51.100.0/24").Accounts);
        var template = indicators.Single(i => i.Kind == "prompt_template");
        Assert.Equal(template.Hash, template.Value);
        Assert.Contains(indicators, i => i.Kind == "payment");
    }

    [Fact]
    public void A_hash_key_gives_hmac_sha256_ids()
    {
        var policy = RedactionPolicy.Parse("strict", "s3cret");
        var r = Redaction.Apply(Sample(), policy);
        var expected = "acct:" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8, "bob"u8))[..16];
        Assert.Contains(expected, r.Campaigns[0].AccountIds);
        Assert.NotEqual(Redaction.Apply(Sample(), RedactionPolicy.Strict).Campaigns[0].AccountIds, r.Campaigns[0].AccountIds);
    }

    [Fact]
    public void Applying_twice_changes_nothing_and_a_weaker_policy_restores_nothing()
    {
        var once = Redaction.Apply(Sample(), RedactionPolicy.Strict);
        var twice = Redaction.Apply(once, RedactionPolicy.Strict);
        Assert.Equal(once.Campaigns[0].AccountIds, twice.Campaigns[0].AccountIds);
        Assert.Equal(once.Accounts[0].Examples[0].ExchangeId, twice.Accounts[0].Examples[0].ExchangeId);
        Assert.Equal(once.Campaigns[0].Indicators, twice.Campaigns[0].Indicators);

        var weakened = Redaction.Apply(once, RedactionPolicy.Standard);
        Assert.Equal("strict", weakened.Redaction);
        Assert.Equal(once.Campaigns[0].AccountIds, weakened.Campaigns[0].AccountIds);
        Assert.All(weakened.Accounts[0].Examples, e => Assert.Null(e.Excerpt));
    }

    [Fact]
    public void An_unknown_policy_name_is_a_clear_error()
    {
        var e = Assert.Throws<FormatException>(() => RedactionPolicy.Parse("lenient"));
        Assert.Contains("standard or strict", e.Message);
        Assert.Contains("lenient", e.Message);
    }
}
