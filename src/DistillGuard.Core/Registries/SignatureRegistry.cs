namespace DistillGuard.Core.Registries;

/// <summary>How a reasoning signature in a request relates to the account sending it.</summary>
public enum SignatureRelation : byte
{
    /// <summary>Never seen issued (issued before the log began, or forged).</summary>
    Unknown = 0,
    /// <summary>Issued to the same account: ordinary multi-turn use.</summary>
    SameAccount = 1,
    /// <summary>Issued to a different account: replayed.</summary>
    OtherAccount = 2,
}

/// <summary>
/// Remembers which account each reasoning signature was issued to, in bounded memory (oldest entries evicted first),
/// so <c>REASONING_REPLAY</c> can tell replay from ordinary reuse. Order-independent: a replay seen before its
/// issuance (possible when partitions are processed in parallel) is reported when the issuance arrives.
/// </summary>
public sealed class SignatureRegistry
{
    private readonly Dictionary<ulong, (int Issuer, int PendingReplayer)> _entries = new();
    private readonly Queue<ulong> _order = new();

    /// <summary>Creates a registry holding at most <paramref name="capacity"/> signatures.</summary>
    public SignatureRegistry(int capacity = 500_000) => Capacity = capacity;

    /// <summary>Most signatures remembered.</summary>
    public int Capacity { get; }

    /// <summary>Signatures remembered now.</summary>
    public int Count => _entries.Count;

    /// <summary>Classifies a signature carried in a request from <paramref name="account"/>; an unknown one is remembered as a pending replay.</summary>
    public SignatureRelation CheckReplay(ulong signature, int account)
    {
        if (_entries.TryGetValue(signature, out var e) && e.Issuer >= 0)
            return e.Issuer == account ? SignatureRelation.SameAccount : SignatureRelation.OtherAccount;
        if (!_entries.ContainsKey(signature)) Remember(signature, (-1, account));
        return SignatureRelation.Unknown;
    }

    /// <summary>Records that a response to <paramref name="account"/> issued <paramref name="signature"/>.</summary>
    /// <returns>Another account that sent this signature before it was issued (a replay seen out of order), or -1.</returns>
    public int RecordIssued(ulong signature, int account)
    {
        if (_entries.TryGetValue(signature, out var e))
        {
            if (e.Issuer >= 0) return -1;
            _entries[signature] = (account, -1);
            return e.PendingReplayer >= 0 && e.PendingReplayer != account ? e.PendingReplayer : -1;
        }
        Remember(signature, (account, -1));
        return -1;
    }

    private void Remember(ulong signature, (int, int) entry)
    {
        while (_entries.Count >= Capacity && _order.TryDequeue(out var old)) _entries.Remove(old);
        _entries[signature] = entry;
        _order.Enqueue(signature);
    }
}
