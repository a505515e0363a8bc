using DistillGuard.Core.Verdicts;
using System.Collections.Concurrent;
using DistillGuard.Gateway.Storage;

namespace DistillGuard.Gateway.Engine;

/// <summary>
/// The verdicts the policy reads on the request path: published by the detector thread, read lock-free by request
/// threads. An account without an entry is benign as far as the detector knows.
/// </summary>
public sealed class VerdictBoard
{
    private readonly ConcurrentDictionary<string, AccountVerdict> _verdicts = new(StringComparer.Ordinal);

    /// <summary>The account's current verdict, or null (never seen, or benign).</summary>
    public AccountVerdict? Get(string accountId) => _verdicts.TryGetValue(accountId, out var v) ? v : null;

    /// <summary>Publishes a verdict.</summary>
    public void Set(AccountVerdict verdict) => _verdicts[verdict.AccountId] = verdict;

    /// <summary>Every published verdict.</summary>
    public ICollection<AccountVerdict> All => _verdicts.Values;

    /// <summary>Accounts on the board.</summary>
    public int Count => _verdicts.Count;
}
