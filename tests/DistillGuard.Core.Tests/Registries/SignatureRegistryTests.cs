using DistillGuard.Core.Registries;

namespace DistillGuard.Core.Tests.Registries;

/// <summary>
/// The ring-and-index registry against a reference written the plain way (a dictionary with a first-in first-out
/// eviction queue), under random traffic that wraps the ring many times and collides in the index.
/// </summary>
public sealed class SignatureRegistryTests
{
    private sealed class Reference(int capacity)
    {
        private readonly Dictionary<ulong, (int Issuer, int Pending)> _entries = new();
        private readonly Queue<ulong> _order = new();

        public int Count => _entries.Count;

        public SignatureRelation CheckReplay(ulong s, int account)
        {
            if (_entries.TryGetValue(s, out var e))
                return e.Issuer < 0 ? SignatureRelation.Unknown : e.Issuer == account ? SignatureRelation.SameAccount : SignatureRelation.OtherAccount;
            Remember(s, (-1, account));
            return SignatureRelation.Unknown;
        }

        public int RecordIssued(ulong s, int account)
        {
            if (_entries.TryGetValue(s, out var e))
            {
                if (e.Issuer >= 0) return -1;
                _entries[s] = (account, -1);
                return e.Pending >= 0 && e.Pending != account ? e.Pending : -1;
            }
            Remember(s, (account, -1));
            return -1;
        }

        private void Remember(ulong s, (int, int) entry)
        {
            if (_entries.Count == capacity) _entries.Remove(_order.Dequeue());
            _entries[s] = entry;
            _order.Enqueue(s);
        }
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(7, 60)]
    [InlineData(1000, 1500)]
    [InlineData(3000, 2500)]
    public void Random_traffic_matches_the_reference(int capacity, int distinct)
    {
        var registry = new SignatureRegistry(capacity);
        var reference = new Reference(capacity);
        var rng = new Random(capacity);
        for (int step = 0; step < 100_000; step++)
        {
            // Signatures differing only in high bits, and so colliding often in the index, as well as spread ones.
            ulong s = rng.Next(2) == 0 ? (ulong)rng.Next(distinct) << 40 : (ulong)rng.Next(distinct) * 0x9E3779B97F4A7C15UL;
            int account = rng.Next(8);
            if (rng.Next(2) == 0) Assert.Equal(reference.CheckReplay(s, account), registry.CheckReplay(s, account));
            else Assert.Equal(reference.RecordIssued(s, account), registry.RecordIssued(s, account));
            Assert.Equal(reference.Count, registry.Count);
        }
        Assert.Equal(Math.Min(capacity, 2 * distinct), registry.Count);
    }

    [Fact]
    public void A_replay_seen_before_its_issuance_is_reported_when_the_issuance_arrives()
    {
        var registry = new SignatureRegistry();
        Assert.Equal(SignatureRelation.Unknown, registry.CheckReplay(42, account: 5));
        Assert.Equal(5, registry.RecordIssued(42, account: 1));
        Assert.Equal(SignatureRelation.OtherAccount, registry.CheckReplay(42, account: 5));
        Assert.Equal(SignatureRelation.SameAccount, registry.CheckReplay(42, account: 1));
        Assert.Equal(-1, registry.RecordIssued(42, account: 2));
    }

    [Fact]
    public void The_oldest_signature_is_forgotten_first()
    {
        var registry = new SignatureRegistry(capacity: 2);
        registry.RecordIssued(1, 0);
        registry.RecordIssued(2, 0);
        Assert.Equal(SignatureRelation.SameAccount, registry.CheckReplay(1, 0)); // a look-up does not refresh it
        registry.RecordIssued(3, 0);
        Assert.Equal(SignatureRelation.Unknown, registry.CheckReplay(1, 0));
        Assert.Equal(SignatureRelation.SameAccount, registry.CheckReplay(3, 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData((1 << 28) + 1)]
    public void Capacity_out_of_range_is_refused(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignatureRegistry(capacity));
}
