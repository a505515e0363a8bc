using System.IO.Compression;
using System.Text;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Reference;

/// <summary>A dataset item found in a prompt.</summary>
/// <param name="Dataset">Name of the dataset (for example <c>gsm8k</c>).</param>
/// <param name="AnchorHits">How many of the item's anchor shingles the prompt contains.</param>
public readonly record struct ReferenceMatch(string Dataset, int AnchorHits);

/// <summary>
/// Compact index of public benchmark and instruction datasets for <c>DATASET_SWEEP</c>. Each item is represented by
/// its <see cref="AnchorsPerItem"/> smallest 5-word shingle hashes (a bottom-k sketch, Broder 1997), stored as 32-bit
/// fingerprints in an open-addressing table: about 8 bytes per anchor, no text. Anchors are informative shingles only
/// (at most two numbers or function words of five tokens). A prompt matches an item when it holds at least two of the
/// item's anchors, which survives template wrapping and small edits.
/// </summary>
/// <remarks>Immutable after construction and safe for concurrent lookups.</remarks>
public sealed class ReferenceIndex
{
    /// <summary>Tokens per shingle.</summary>
    public const int ShingleWidth = 5;

    /// <summary>Anchors kept per item.</summary>
    public const int AnchorsPerItem = 4;

    private const uint Magic = 0x49524744; // "DGRI"
    private const int Version = 1;
    private const string BuiltInResource = "reference-index.bin";
    private const string PublicTemplatesResource = "public-templates.bin";

    private readonly string[] _datasets;
    private readonly ulong[] _table; // (fingerprint << 32) | value; 0 = empty
    private readonly int _mask;
    // A one-hash Bloom filter over the fingerprints, about 10 bits per anchor (128 KiB for the built-in index): it
    // stays in cache and turns away ~90% of the shingles of a prompt before they touch the 2 MiB table.
    private readonly ulong[] _filter;
    private readonly int _filterShift;

    /// <summary>An index with no datasets (every lookup misses).</summary>
    public static ReferenceIndex Empty { get; } = new([], [], 0);

    internal ReferenceIndex(string[] datasets, IReadOnlyList<(uint Fingerprint, uint Value)> anchors, int items)
    {
        _datasets = datasets;
        ItemCount = items;
        AnchorCount = anchors.Count;
        int capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, anchors.Count * 2));
        _table = new ulong[capacity];
        _mask = capacity - 1;
        int filterBits = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4096, anchors.Count * 10));
        _filter = new ulong[filterBits / 64];
        _filterShift = 64 - System.Numerics.BitOperations.Log2((uint)filterBits);
        foreach (var (fp, value) in anchors)
        {
            int slot = (int)(Hash64.Mix(fp) & (uint)_mask);
            while (_table[slot] != 0) slot = (slot + 1) & _mask;
            _table[slot] = ((ulong)fp << 32) | value;
            ulong bit = FilterBit(fp);
            _filter[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    // The filter bit takes the high bits of the mix (the table slot uses the low bits).
    private ulong FilterBit(uint fp) => Hash64.Mix(fp) >> _filterShift;

    /// <summary>Dataset names, in id order.</summary>
    public IReadOnlyList<string> Datasets => _datasets;

    /// <summary>Number of indexed items.</summary>
    public int ItemCount { get; }

    /// <summary>Number of stored anchors.</summary>
    public int AnchorCount { get; }

    /// <summary>Memory held by the table, in bytes.</summary>
    public long SizeBytes => (_table.LongLength + _filter.LongLength) * sizeof(ulong);

    /// <summary>Loads the dataset index compiled into the assembly (see docs/detection.md for its datasets), or <see cref="Empty"/> when absent.</summary>
    public static ReferenceIndex LoadBuiltIn() => LoadResource(BuiltInResource);

    /// <summary>
    /// Loads the compiled-in index of public prompt templates (evaluation-harness and judge templates, published
    /// trace-collection and data-generation prompts, public role prompts): skeletons anyone can copy, which therefore
    /// say nothing about who operates an account.
    /// </summary>
    public static ReferenceIndex LoadPublicTemplates() => LoadResource(PublicTemplatesResource);

    private static ReferenceIndex LoadResource(string name)
    {
        using var s = typeof(ReferenceIndex).Assembly.GetManifestResourceStream(name);
        return s is null ? Empty : Load(s);
    }

    /// <summary>Reads an index written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a DistillGuard reference index of a supported version.</exception>
    public static ReferenceIndex Load(Stream stream)
    {
        using var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var r = new BinaryReader(gz, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != Magic) throw new InvalidDataException("Not a DistillGuard reference index (bad magic).");
            int version = r.ReadInt32();
            if (version != Version) throw new InvalidDataException($"Reference index version {version} is not supported (expected {Version}).");
            int datasetCount = r.ReadInt32();
            if (datasetCount is < 0 or > ReferenceIndexBuilder.MaxDatasets) throw new InvalidDataException($"Reference index declares {datasetCount} datasets (0–{ReferenceIndexBuilder.MaxDatasets} expected).");
            var datasets = new string[datasetCount];
            for (int i = 0; i < datasetCount; i++) datasets[i] = r.ReadString();
            int items = r.ReadInt32();
            int anchorCount = r.ReadInt32();
            if (anchorCount is < 0 or > 0x7FFFFF * AnchorsPerItem) throw new InvalidDataException($"Reference index declares {anchorCount} anchors.");
            var anchors = new (uint, uint)[anchorCount];
            for (int i = 0; i < anchorCount; i++) anchors[i] = (r.ReadUInt32(), r.ReadUInt32());
            return new ReferenceIndex(datasets, anchors, items);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Reference index is truncated.", e);
        }
    }

    /// <summary>The index as <see cref="Save"/> writes it.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        Save(buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes the index (gzip-compressed binary: magic, version, dataset names, item count, anchors).</summary>
    public void Save(Stream stream)
    {
        using var gz = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var w = new BinaryWriter(gz, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(_datasets.Length);
        foreach (var d in _datasets) w.Write(d);
        w.Write(ItemCount);
        var entries = _table.Where(e => e != 0).Order().ToArray();
        w.Write(entries.Length);
        foreach (var e in entries)
        {
            w.Write((uint)(e >> 32));
            w.Write((uint)e);
        }
    }

    /// <summary>Finds the dataset item with the most anchors among <paramref name="shingles"/> (5-token shingle hashes).</summary>
    /// <returns>The match, or null when no item reaches its anchor threshold.</returns>
    public ReferenceMatch? Lookup(ReadOnlySpan<ulong> shingles)
    {
        if (AnchorCount == 0) return null;
        Span<uint> items = stackalloc uint[16];
        Span<int> counts = stackalloc int[16];
        int n = 0;
        foreach (var s in shingles)
        {
            uint fp = Fingerprint(s);
            ulong mixed = Hash64.Mix(fp);
            ulong bit = mixed >> _filterShift;
            if ((_filter[bit >> 6] & (1UL << (int)(bit & 63))) == 0) continue;
            int slot = (int)(mixed & (uint)_mask);
            ulong e;
            while ((e = _table[slot]) != 0)
            {
                if ((uint)(e >> 32) == fp)
                {
                    uint value = (uint)e;
                    int i = items[..n].IndexOf(value);
                    if (i >= 0) counts[i]++;
                    else if (n < items.Length) { items[n] = value; counts[n++] = 1; }
                }
                slot = (slot + 1) & _mask;
            }
        }
        int best = -1, bestHits = 0;
        for (int i = 0; i < n; i++)
        {
            if (counts[i] >= 2 && counts[i] > bestHits) { best = i; bestHits = counts[i]; }
        }
        return best < 0 ? null : new ReferenceMatch(_datasets[items[best] >> 25], bestHits);
    }

    /// <summary>Combines indexes into one (their datasets side by side).</summary>
    /// <exception cref="InvalidOperationException">Together they exceed the dataset or item limits.</exception>
    public static ReferenceIndex Merge(params ReferenceIndex[] parts)
    {
        var datasets = new List<string>();
        var anchors = new List<(uint, uint)>();
        int itemOffset = 0;
        foreach (var part in parts)
        {
            int datasetOffset = datasets.Count;
            datasets.AddRange(part._datasets);
            if (datasets.Count > ReferenceIndexBuilder.MaxDatasets) throw new InvalidOperationException($"A reference index holds at most {ReferenceIndexBuilder.MaxDatasets} datasets.");
            foreach (var e in part._table)
            {
                if (e == 0) continue;
                uint v = (uint)e;
                int dataset = (int)(v >> 25) + datasetOffset;
                int anchorsOfItem = (int)((v >> 23) & 3) + 1;
                int item = (int)(v & 0x7FFFFF) + itemOffset;
                if (item > 0x7FFFFF) throw new InvalidOperationException("Merged reference index exceeds 8,388,607 items.");
                anchors.Add(((uint)(e >> 32), Pack(dataset, anchorsOfItem, item)));
            }
            itemOffset += part.ItemCount;
        }
        // Inserted in the order Save writes (and Load reads), so a merged index and its saved copy have the same table
        // layout and answer every look-up identically (ties included).
        anchors.Sort();
        return new ReferenceIndex(datasets.ToArray(), anchors, itemOffset);
    }

    internal static uint Fingerprint(ulong shingle)
    {
        uint fp = (uint)(shingle >> 32);
        return fp == 0 ? 1u : fp;
    }

    internal static uint Pack(int dataset, int anchors, int item) => ((uint)dataset << 25) | ((uint)(anchors - 1) << 23) | ((uint)item & 0x7FFFFF);
}
