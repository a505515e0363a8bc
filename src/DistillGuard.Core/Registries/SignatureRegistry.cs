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
/// so <c>REASONING_REPLAY</c> can tell replay from ordinary reuse. A replay seen before its issuance (logs out of
/// order) is reported when the issuance arrives, for the first account that replayed it only; an order-independent
/// scan uses <see cref="Engine.LogCensus"/> instead.
/// </summary>
/// <remarks>
/// Entries live in a ring in the order they were first remembered (16 bytes each: signature, issuer, pending
/// replayer), found through an open-addressing index of ring positions (linear probing, load ≤ 1/2, deletion by
/// backward shift: Knuth, TAOCP vol. 3, 6.4, Algorithm R). When the ring is full the oldest entry is overwritten and
/// removed from the index. About 16 + 4–8 bytes per signature instead of about 50 for a dictionary with an eviction
/// queue. Not thread-safe.
/// </remarks>
public sealed class SignatureRegistry
{
    private ulong[] _keys = new ulong[1024];
    private int[] _issuers = new int[1024];
    private int[] _pending = new int[1024];
    private int[] _index = new int[2048]; // ring position + 1; 0 = empty
    private int _count;
    private int _next; // ring position the next entry is written to (the oldest entry once full)

    /// <summary>Creates a registry holding at most <paramref name="capacity"/> signatures.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1 or above 2^28.</exception>
    public SignatureRegistry(int capacity = 500_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 28);
        Capacity = capacity;
        if (capacity < _keys.Length) Resize(capacity);
    }

    /// <summary>Most signatures remembered.</summary>
    public int Capacity { get; }

    /// <summary>Signatures remembered now.</summary>
    public int Count => _count;

    /// <summary>Memory held by the ring and its index, in bytes.</summary>
    public long SizeBytes => 16L * _keys.Length + 4L * _index.Length;

    /// <summary>Classifies a signature carried in a request from <paramref name="account"/>; an unknown one is remembered as a pending replay.</summary>
    public SignatureRelation CheckReplay(ulong signature, int account)
    {
        int at = Find(signature);
        if (at >= 0)
        {
            int issuer = _issuers[at];
            if (issuer < 0) return SignatureRelation.Unknown;
            return issuer == account ? SignatureRelation.SameAccount : SignatureRelation.OtherAccount;
        }
        Remember(signature, -1, account);
        return SignatureRelation.Unknown;
    }

    /// <summary>Records that a response to <paramref name="account"/> issued <paramref name="signature"/>.</summary>
    /// <returns>Another account that sent this signature before it was issued (a replay seen out of order), or -1.</returns>
    public int RecordIssued(ulong signature, int account)
    {
        int at = Find(signature);
        if (at >= 0)
        {
            if (_issuers[at] >= 0) return -1;
            int replayer = _pending[at];
            _issuers[at] = account;
            _pending[at] = -1;
            return replayer >= 0 && replayer != account ? replayer : -1;
        }
        Remember(signature, account, -1);
        return -1;
    }

    private void Remember(ulong signature, int issuer, int pending)
    {
        if (_count == Capacity) Unindex(_next);
        else
        {
            if (_count == _keys.Length) Resize(Math.Min(Capacity, _keys.Length * 2));
            _count++;
        }
        int at = _next;
        _keys[at] = signature;
        _issuers[at] = issuer;
        _pending[at] = pending;
        Insert(_index, signature, at);
        _next = at + 1 == Capacity ? 0 : at + 1;
    }

    private int Find(ulong signature)
    {
        int mask = _index.Length - 1;
        for (int i = Slot(signature, mask); ; i = (i + 1) & mask)
        {
            int e = _index[i];
            if (e == 0) return -1;
            if (_keys[e - 1] == signature) return e - 1;
        }
    }

    /// <summary>Removes ring position <paramref name="at"/> from the index, shifting later entries of its probe run back.</summary>
    private void Unindex(int at)
    {
        int mask = _index.Length - 1;
        int hole = Slot(_keys[at], mask);
        while (_index[hole] != at + 1) hole = (hole + 1) & mask;
        for (int i = (hole + 1) & mask; _index[i] != 0; i = (i + 1) & mask)
        {
            int home = Slot(_keys[_index[i] - 1], mask);
            // Move entry i into the hole unless its home lies cyclically in (hole, i].
            bool stays = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (stays) continue;
            _index[hole] = _index[i];
            hole = i;
        }
        _index[hole] = 0;
    }

    private void Resize(int size)
    {
        // Only before the ring wraps: positions 0.._count-1 stay where they are.
        Array.Resize(ref _keys, size);
        Array.Resize(ref _issuers, size);
        Array.Resize(ref _pending, size);
        int buckets = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * size));
        if (buckets == _index.Length) return;
        _index = new int[buckets];
        for (int at = 0; at < _count; at++) Insert(_index, _keys[at], at);
    }

    private static void Insert(int[] index, ulong signature, int at)
    {
        int mask = index.Length - 1;
        int i = Slot(signature, mask);
        while (index[i] != 0) i = (i + 1) & mask;
        index[i] = at + 1;
    }

    private static int Slot(ulong signature, int mask) => (int)Similarity.Hash64.Mix(signature) & mask;
}
