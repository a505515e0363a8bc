using DistillGuard.Core.Similarity;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Reference;

/// <summary>Builds a <see cref="ReferenceIndex"/> from dataset texts (the built-in index, or one given with <c>--reference</c>).</summary>
public sealed class ReferenceIndexBuilder
{
    private static readonly System.Text.RegularExpressions.Regex Placeholders = new(
        @"\{[^{}\n]{0,60}\}|\[INSERT PROMPT HERE\]|#[A-Za-z ]{3,40}#|<\|[a-z_]{2,30}\|>",
        System.Text.RegularExpressions.RegexOptions.NonBacktracking | System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>Most datasets in one index.</summary>
    public const int MaxDatasets = 127;

    private readonly List<string> _datasets = new();
    private readonly List<(uint, uint)> _anchors = new();
    private readonly HashSet<ulong> _seenAnchors = new();
    private int _items;

    /// <summary>Items added so far.</summary>
    public int ItemCount => _items;

    /// <summary>Adds one dataset item.</summary>
    /// <param name="dataset">Dataset name (a new name gets the next id).</param>
    /// <param name="text">The item's raw text (normalised here).</param>
    /// <param name="template">
    /// The text is a template with placeholders (<c>{question}</c>, <c>[INSERT PROMPT HERE]</c>, <c>#The Given Prompt#</c>):
    /// shingles are taken within the fixed parts only, so a filled-in instance still holds the anchors.
    /// </param>
    /// <returns>False when the text has no tokens or all its anchors are already held by earlier items.</returns>
    /// <exception cref="InvalidOperationException">More than <see cref="MaxDatasets"/> datasets, or more than 8 million items.</exception>
    public bool Add(string dataset, string text, bool template = false)
    {
        int id = _datasets.IndexOf(dataset);
        if (id < 0)
        {
            if (_datasets.Count == MaxDatasets) throw new InvalidOperationException($"A reference index holds at most {MaxDatasets} datasets.");
            _datasets.Add(dataset);
            id = _datasets.Count - 1;
        }
        if (_items >= 0x7FFFFF) throw new InvalidOperationException("A reference index holds at most 8,388,607 items.");
        var all = new List<ulong>();
        foreach (var part in template ? Placeholders.Split(text) : [text])
        {
            var normalized = TextNormalizer.Normalize(part);
            var tokens = new ulong[Math.Max(1, normalized.Length)];
            int t = Tokenizer.Hash(normalized, tokens);
            if (t == 0 || (template && t < ReferenceIndex.ShingleWidth)) continue;
            var shingles = new ulong[Math.Max(1, t)];
            int s = Shingles.Hash(tokens.AsSpan(0, t), ReferenceIndex.ShingleWidth, shingles);
            all.AddRange(shingles.AsSpan(0, s).ToArray());
        }
        if (all.Count == 0) return false;
        var anchors = all.Distinct().Order().Take(ReferenceIndex.AnchorsPerItem).ToArray();
        var fresh = anchors.Where(a => !_seenAnchors.Contains(a)).ToArray();
        if (fresh.Length == 0) return false;
        int item = _items++;
        foreach (var a in fresh)
        {
            _seenAnchors.Add(a);
            _anchors.Add((ReferenceIndex.Fingerprint(a), ReferenceIndex.Pack(id, fresh.Length, item)));
        }
        return true;
    }

    /// <summary>Builds the immutable index.</summary>
    public ReferenceIndex Build() => new(_datasets.ToArray(), _anchors, _items);
}
