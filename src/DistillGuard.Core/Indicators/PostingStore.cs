using System.Runtime.CompilerServices;

namespace DistillGuard.Core.Indicators;

/// <summary>
/// Posting lists in struct-of-arrays form: one open-addressing table (linear probing, load ≤ 1/2) maps a 64-bit
/// indicator key to a dense slot, each field of a posting lives in its own array indexed by slot, and member lists
/// live in a shared arena of <see cref="int"/> chunks in power-of-two blocks (2 to 2^<see cref="MaxClass"/> members) recycled through per-size free
/// lists. Against one object per posting with its own member array and a dictionary entry, this saves about 80 bytes
/// per posting (object headers, references, the dictionary's per-entry hash and link) and a pointer chase per look-up.
/// Slots are never removed (an index only grows, within <see cref="IndicatorIndex.MaxPostings"/>). Not thread-safe.
/// </summary>
internal sealed class PostingStore
{
    /// <summary>Members beyond which membership is tested with a hash set rather than a scan (registry postings only grow that long).</summary>
    private const int SetThreshold = IndicatorIndex.DefaultStoredMembers;

    /// <summary>Block size class of a posting without a member block yet.</summary>
    private const byte NoBlock = byte.MaxValue;

    /// <summary>Block size class of a posting whose member list was dropped because it became popular.</summary>
    private const byte Dropped = byte.MaxValue - 1;

    /// <summary>Smallest block: two members (a posting is created for its first member and shared from its second).</summary>
    private const int FirstClass = 1;

    /// <summary>Largest block: 2^15 members (a posting cap above that is refused by <see cref="IndicatorIndex"/>).</summary>
    public const int MaxClass = 15;

    private int[] _buckets = new int[1024]; // slot + 1; 0 = empty
    private ulong[] _keys = new ulong[256];
    private int[] _accountTotal = new int[256];
    private int[] _exchanges = new int[256];
    private double[] _contentSum = new double[256];
    private int[] _blockOffset = new int[256];
    private ushort[] _memberCount = new ushort[256];
    private byte[] _blockClass = new byte[256];
    private object?[] _display = new object?[256]; // packed by Text.CompactText
    private string? _lastDisplay;
    private object? _lastPacked;
    private int _count;

    // Member arena: chunks of ChunkSize ints; a block never crosses a chunk (blocks are at most half a chunk), so an
    // offset is chunk × ChunkSize + position and the arena grows without copying or doubling.
    private const int ChunkBits = MaxClass + 1;
    private const int ChunkSize = 1 << ChunkBits;
    private int[][] _chunks = [];
    private int _chunkCount;
    private int _chunkUsed = ChunkSize;
    private readonly int[] _freeBlocks = CreateFreeLists();
    private readonly Dictionary<int, HashSet<int>> _sets = new();

    /// <summary>Number of postings.</summary>
    public int Count => _count;

    /// <summary>Bytes held by the table, the per-posting arrays and the member arena (not display texts or membership sets).</summary>
    public long SizeBytes =>
        4L * _buckets.Length + (long)_keys.Length * (8 + 4 + 4 + 8 + 4 + 2 + 1 + 8) + 4L * ChunkSize * _chunkCount;

    /// <summary>Distinct display texts held and their bytes (array or string headers included); O(postings), for measurements.</summary>
    public (int Count, long Bytes) DisplayCensus()
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        long bytes = 0;
        for (int slot = 0; slot < _count; slot++)
        {
            var d = _display[slot];
            if (d is null || !seen.Add(d)) continue;
            bytes += Text.CompactText.SizeBytes(d);
        }
        return (seen.Count, bytes);
    }

    /// <summary>Slot of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong key)
    {
        var buckets = _buckets;
        int mask = buckets.Length - 1;
        int i = (int)key & mask;
        while (true)
        {
            int s = buckets[i];
            if (s == 0) return -1;
            if (_keys[s - 1] == key) return s - 1;
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds an empty posting for <paramref name="key"/>, which must not be present, and returns its slot.</summary>
    public int Add(ulong key)
    {
        if (2 * (_count + 1) > _buckets.Length) Rehash(_buckets.Length * 2);
        if (_count == _keys.Length) GrowSlots();
        int slot = _count++;
        _keys[slot] = key;
        _blockClass[slot] = NoBlock;
        Insert(_buckets, key, slot);
        return slot;
    }

    /// <summary>Key of a slot.</summary>
    public ulong KeyAt(int slot) => _keys[slot];

    /// <summary>Accounts ever added to a slot.</summary>
    public ref int AccountTotal(int slot) => ref _accountTotal[slot];

    /// <summary>Candidate exchanges counted on a slot.</summary>
    public ref int Exchanges(int slot) => ref _exchanges[slot];

    /// <summary>Sum of extraction scores counted on a slot.</summary>
    public ref double ContentSum(int slot) => ref _contentSum[slot];

    /// <summary>Whether a slot has display text.</summary>
    public bool HasDisplay(int slot) => _display[slot] is not null;

    /// <summary>The packed display text of a slot (<see cref="Text.CompactText"/>), for moving it to another store.</summary>
    public ref object? PackedDisplay(int slot) => ref _display[slot];

    /// <summary>Display text of a slot (decoded on each call), or null.</summary>
    public string? GetDisplay(int slot) => Text.CompactText.Unpack(_display[slot]);

    /// <summary>
    /// Sets the display text of a slot, packed as UTF-8 (<see cref="Text.CompactText"/>); consecutive slots given the
    /// same string instance (the bands of one prompt) share one packed copy.
    /// </summary>
    public void SetDisplay(int slot, string? text)
    {
        if (!ReferenceEquals(text, _lastDisplay))
        {
            _lastDisplay = text;
            _lastPacked = Text.CompactText.Pack(text);
        }
        _display[slot] = _lastPacked;
    }

    /// <summary>Whether the slot's member list was dropped.</summary>
    public bool IsPopular(int slot) => _blockClass[slot] == Dropped;

    /// <summary>Stored members of a slot, in join order.</summary>
    public ReadOnlySpan<int> Members(int slot)
    {
        int n = _memberCount[slot];
        if (n == 0) return default;
        int offset = _blockOffset[slot];
        return new ReadOnlySpan<int>(_chunks[offset >> ChunkBits], offset & (ChunkSize - 1), n);
    }

    /// <summary>Whether <paramref name="account"/> is stored in a slot.</summary>
    public bool Contains(int slot, int account) =>
        _memberCount[slot] > SetThreshold ? _sets[slot].Contains(account) : Members(slot).Contains(account);

    /// <summary>Appends a member known not to be stored to a slot that is not popular.</summary>
    /// <exception cref="InvalidOperationException">The slot is popular, or already holds 32,768 members.</exception>
    public void AddMember(int slot, int account)
    {
        int n = _memberCount[slot];
        byte cls = _blockClass[slot];
        if (cls == Dropped) throw new InvalidOperationException("The posting list was dropped (popular).");
        if (n == 1 << MaxClass) throw new InvalidOperationException($"A posting list holds at most {1 << MaxClass:N0} members.");
        if (cls == NoBlock)
        {
            _blockOffset[slot] = Allocate(FirstClass);
            _blockClass[slot] = FirstClass;
        }
        else if (n == 1 << cls)
        {
            int from = _blockOffset[slot];
            int to = Allocate(cls + 1);
            Block(from, n).CopyTo(Block(to, n));
            Free(from, cls);
            _blockOffset[slot] = to;
            _blockClass[slot] = (byte)(cls + 1);
        }
        Block(_blockOffset[slot], n + 1)[n] = account;
        _memberCount[slot] = (ushort)(n + 1);
        if (n + 1 > SetThreshold)
        {
            if (n + 1 == SetThreshold + 1) _sets[slot] = new HashSet<int>(Members(slot).ToArray());
            else _sets[slot].Add(account);
        }
    }

    /// <summary>Replaces the stored member at <paramref name="index"/> with <paramref name="account"/>, known not to be stored.</summary>
    public void ReplaceMember(int slot, int index, int account)
    {
        var block = Block(_blockOffset[slot], _memberCount[slot]);
        if (_sets.TryGetValue(slot, out var set))
        {
            set.Remove(block[index]);
            set.Add(account);
        }
        block[index] = account;
    }

    /// <summary>Drops a slot's member list and marks it popular.</summary>
    public void Drop(int slot)
    {
        byte cls = _blockClass[slot];
        if (cls <= MaxClass) Free(_blockOffset[slot], cls);
        _blockClass[slot] = Dropped;
        _memberCount[slot] = 0;
        _sets.Remove(slot);
    }

    /// <summary>Bytes of the block holding a slot's members.</summary>
    public int MemberBytes(int slot) => _blockClass[slot] <= MaxClass ? sizeof(int) << _blockClass[slot] : 0;

    private static int[] CreateFreeLists()
    {
        var heads = new int[MaxClass + 1];
        Array.Fill(heads, -1);
        return heads;
    }

    private int Allocate(int cls)
    {
        int head = _freeBlocks[cls];
        if (head >= 0)
        {
            _freeBlocks[cls] = Block(head, 1)[0];
            return head;
        }
        int size = 1 << cls;
        if (_chunkUsed + size > ChunkSize)
        {
            // The rest of the full chunk (if any) is not reused: at most one block size's worth per chunk.
            if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, Math.Max(4, _chunks.Length * 2));
            _chunks[_chunkCount++] = new int[ChunkSize];
            _chunkUsed = 0;
        }
        int offset = ((_chunkCount - 1) << ChunkBits) | _chunkUsed;
        _chunkUsed += size;
        return offset;
    }

    private void Free(int offset, int cls)
    {
        Block(offset, 1)[0] = _freeBlocks[cls];
        _freeBlocks[cls] = offset;
    }

    private Span<int> Block(int offset, int length) => new(_chunks[offset >> ChunkBits], offset & (ChunkSize - 1), length);

    private void GrowSlots()
    {
        int size = _keys.Length + _keys.Length / 2;
        Array.Resize(ref _keys, size);
        Array.Resize(ref _accountTotal, size);
        Array.Resize(ref _exchanges, size);
        Array.Resize(ref _contentSum, size);
        Array.Resize(ref _blockOffset, size);
        Array.Resize(ref _memberCount, size);
        Array.Resize(ref _blockClass, size);
        Array.Resize(ref _display, size);
    }

    private void Rehash(int size)
    {
        var buckets = new int[size];
        for (int slot = 0; slot < _count; slot++) Insert(buckets, _keys[slot], slot);
        _buckets = buckets;
    }

    private static void Insert(int[] buckets, ulong key, int slot)
    {
        int mask = buckets.Length - 1;
        int i = (int)key & mask;
        while (buckets[i] != 0) i = (i + 1) & mask;
        buckets[i] = slot + 1;
    }

    /// <summary>Writes every posting exactly: key, counts, sums, popularity, members in stored order, packed display.</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(_count);
        for (int slot = 0; slot < _count; slot++)
        {
            w.Write(_keys[slot]);
            w.Write(_accountTotal[slot]);
            w.Write(_exchanges[slot]);
            w.Write(_contentSum[slot]);
            w.Write(IsPopular(slot));
            var members = Members(slot);
            w.Write(members.Length);
            foreach (int m in members) w.Write(m);
            Engine.PartitionStateCodec.WritePacked(w, _display[slot]);
        }
    }

    /// <summary>Reads postings written by <see cref="Write"/> into this empty store.</summary>
    /// <param name="r">The reader.</param>
    /// <param name="accounts">Dense account indexes are checked to be below this.</param>
    /// <exception cref="InvalidDataException">A member out of range, a duplicate key, or a popular list with members.</exception>
    public void Read(BinaryReader r, int accounts)
    {
        if (_count > 0) throw new InvalidOperationException("The posting store is not empty.");
        int count = r.ReadInt32();
        if (count < 0) throw new InvalidDataException($"postings: count {count}");
        for (int n = 0; n < count; n++)
        {
            ulong key = r.ReadUInt64();
            if (Find(key) >= 0) throw new InvalidDataException($"postings: key {key:x16} twice");
            int slot = Add(key);
            _accountTotal[slot] = r.ReadInt32();
            _exchanges[slot] = r.ReadInt32();
            _contentSum[slot] = r.ReadDouble();
            bool popular = r.ReadBoolean();
            int members = r.ReadInt32();
            if (members < 0 || members > 1 << MaxClass || (popular && members > 0)) throw new InvalidDataException($"postings: key {key:x16} with {members} members");
            for (int i = 0; i < members; i++)
            {
                int m = r.ReadInt32();
                if ((uint)m >= (uint)accounts) throw new InvalidDataException($"postings: member {m} of {accounts} accounts");
                AddMember(slot, m);
            }
            if (popular) Drop(slot);
            _display[slot] = Engine.PartitionStateCodec.ReadPacked(r);
        }
    }
}
