using DistillGuard.Core.Findings;

namespace DistillGuard.Cli.Tests;

/// <summary>Findings compared the way order-independence is defined: verdict per account, and campaign membership.</summary>
internal static class FindingsComparison
{
    /// <summary>Verdict of every listed account, by account id.</summary>
    public static SortedDictionary<string, string> Verdicts(FindingsDocument doc) =>
        new(doc.Accounts.ToDictionary(a => a.AccountId, a => a.Verdict), StringComparer.Ordinal);

    /// <summary>Campaign membership as sorted member lists, sorted (campaign ids and order of discovery aside).</summary>
    public static List<string> Campaigns(FindingsDocument doc) =>
        doc.Accounts.Where(a => a.CampaignId is not null).GroupBy(a => a.CampaignId)
            .Select(g => string.Join(",", g.Select(a => a.AccountId).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
}
