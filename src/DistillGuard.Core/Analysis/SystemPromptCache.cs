using DistillGuard.Core.Text;

namespace DistillGuard.Core.Analysis;

/// <summary>
/// The analysis of recently seen system prompts, keyed by a 64-bit hash of their raw text: normalised text, phrase
/// hits, public-template test and template key. Direct-mapped (<see cref="Slots"/> entries, a newer prompt replaces
/// an older one in its slot), so memory is fixed: at most <see cref="Slots"/> × (2 × the system cap + hits) bytes.
/// One per analyzer; not thread-safe.
/// </summary>
internal sealed class SystemPromptCache
{
    /// <summary>Entries.</summary>
    public const int Slots = 256;

    internal sealed class Entry
    {
        public ulong Hash;
        public char[] Normalized = [];
        public int Length;
        public PhraseHit[] Hits = [];
        public bool IsPublic;
        public ulong Key;
    }

    private readonly Entry?[] _entries = new Entry?[Slots];

    // Admission: a prompt is cached on its second sighting, so one-off system prompts (generated per request) cost
    // no copy. Direct-mapped hashes of prompts seen once.
    private readonly ulong[] _seenOnce = new ulong[Slots * 4];

    public Entry? Find(ulong hash)
    {
        var e = _entries[hash & (Slots - 1)];
        return e is not null && e.Hash == hash ? e : null;
    }

    /// <summary>Whether a prompt missing from the cache should be added: true on its second sighting.</summary>
    public bool Admit(ulong hash)
    {
        ref ulong seen = ref _seenOnce[hash & (ulong)(_seenOnce.Length - 1)];
        if (seen == hash) return true;
        seen = hash;
        return false;
    }

    public void Add(ulong hash, ReadOnlySpan<char> normalized, ReadOnlySpan<PhraseHit> hits, bool isPublic, ulong key)
    {
        ref var slot = ref _entries[hash & (Slots - 1)];
        slot ??= new Entry();
        if (slot.Normalized.Length < normalized.Length) slot.Normalized = new char[normalized.Length];
        normalized.CopyTo(slot.Normalized);
        slot.Length = normalized.Length;
        slot.Hits = hits.ToArray();
        slot.IsPublic = isPublic;
        slot.Key = key;
        slot.Hash = hash;
    }
}
