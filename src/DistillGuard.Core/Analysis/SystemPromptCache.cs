using DistillGuard.Core.Text;

namespace DistillGuard.Core.Analysis;

/// <summary>
/// The analysis of recently seen system prompts, keyed by a 64-bit hash of their raw text: the normalised length and
/// its last character, phrase hits, public-template test and template key — everything the analyzer reads from the
/// system part, so a hit writes none of its text. Direct-mapped (<see cref="Slots"/> entries, a newer prompt replaces
/// an older one in its slot), so memory is fixed: about <see cref="Slots"/> × (64 + 12 × hits) bytes.
/// One per analyzer; not thread-safe.
/// </summary>
internal sealed class SystemPromptCache
{
    /// <summary>Entries.</summary>
    public const int Slots = 4096;

    internal sealed class Entry
    {
        public ulong Hash;
        public int Length;
        public char LastChar;
        public PhraseHit[] HitBuffer = [];
        public int HitCount;
        public ReadOnlySpan<PhraseHit> Hits => HitBuffer.AsSpan(0, HitCount);
        public bool IsPublic;
        public ulong Key;
    }

    private readonly Entry?[] _entries = new Entry?[Slots];

    // Admission: a prompt is cached on its second sighting, so one-off system prompts (generated per request) cost
    // no copy. Direct-mapped hashes of prompts seen once.
    private readonly ulong[] _seenOnce = new ulong[Slots * 2];

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

    /// <summary>Caches a system prompt's analysis.</summary>
    /// <param name="hash">Hash of its raw text.</param>
    /// <param name="length">Length of its normalised text, separator included.</param>
    /// <param name="lastChar">The last character of the normalised text (the separator a later step reads).</param>
    /// <param name="hits">Its phrase hits.</param>
    /// <param name="isPublic">Whether it contains a public template.</param>
    /// <param name="key">Its template key.</param>
    public void Add(ulong hash, int length, char lastChar, ReadOnlySpan<PhraseHit> hits, bool isPublic, ulong key)
    {
        ref var slot = ref _entries[hash & (Slots - 1)];
        slot ??= new Entry();
        slot.Length = length;
        slot.LastChar = lastChar;
        if (slot.HitBuffer.Length < hits.Length) slot.HitBuffer = new PhraseHit[Math.Max(hits.Length, 8)];
        hits.CopyTo(slot.HitBuffer);
        slot.HitCount = hits.Length;
        slot.IsPublic = isPublic;
        slot.Key = key;
        slot.Hash = hash;
    }
}
