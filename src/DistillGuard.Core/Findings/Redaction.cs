using DistillGuard.Core.Indicators;

namespace DistillGuard.Core.Findings;

/// <summary>Applies a <see cref="RedactionPolicy"/> to a findings document (a new document; the input is not changed).</summary>
public static class Redaction
{
    /// <summary>
    /// The redacted document: account and exchange ids hashed, IPs reduced to networks, user agents dropped, excerpts
    /// removed and template indicators shown by hash, as the policy says. Applying a policy to an already redacted
    /// document never restores anything, and applying the same policy twice changes nothing more.
    /// </summary>
    public static FindingsDocument Apply(FindingsDocument doc, RedactionPolicy policy)
    {
        string Account(string id) => policy.HashAccounts && !id.StartsWith("acct:", StringComparison.Ordinal) ? "acct:" + policy.Hash(id) : id;
        List<ExampleFinding> Examples(List<ExampleFinding> examples) => examples.Select(e => e with
        {
            AccountId = Account(e.AccountId),
            Excerpt = policy.Excerpts ? e.Excerpt : null,
            ExchangeId = policy.HashAccounts && !e.ExchangeId.StartsWith("exchange:", StringComparison.Ordinal) ? "exchange:" + policy.Hash(e.ExchangeId) : e.ExchangeId,
        }).ToList();

        var campaigns = doc.Campaigns.Select(c => c with
        {
            AccountIds = c.AccountIds.Select(Account).Order(StringComparer.Ordinal).ToList(),
            // Several IPs of one /24 become one network indicator.
            Indicators = c.Indicators.Select(i => Indicator(i, policy)).Where(i => i is not null).Select(i => i!)
                .GroupBy(i => i.Hash).Select(g => g.OrderByDescending(x => x.Accounts).First()).ToList(),
            Examples = Examples(c.Examples),
        }).ToList();
        var accounts = doc.Accounts.Select(a => a with
        {
            AccountId = Account(a.AccountId),
            Examples = Examples(a.Examples),
        }).ToList();
        // A document redacted strictly stays strict: a weaker policy cannot restore what is gone.
        string name = doc.Redaction == RedactionPolicy.Strict.Name ? doc.Redaction : policy.Name;
        return doc with { Campaigns = campaigns, Accounts = accounts, Redaction = name };
    }

    private static IndicatorFinding? Indicator(IndicatorFinding i, RedactionPolicy policy)
    {
        switch (i.Kind)
        {
            case "user_agent" when !policy.UserAgents:
                return null;
            case "ip" when policy.IpsAsNetworks:
            {
                Span<char> net = stackalloc char[64];
                int n = IndicatorKey.NetworkOf(i.Value, net);
                return n == 0 ? null : i with { Kind = "network", Value = net[..n].ToString(), Hash = "network:" + IndicatorKey.Hex(IndicatorKey.Of(IndicatorKind.Network, net[..n])) };
            }
            case "system_template" or "prompt_template" or "tool_set" when !policy.Excerpts:
                return i with { Value = i.Hash };
            default:
                return i;
        }
    }
}
