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
            if (t < ReferenceIndex.ShingleWidth) continue;
            var shingles = new ulong[t];
            int s = Shingles.Hash(tokens.AsSpan(0, t), ReferenceIndex.ShingleWidth, shingles);
            // Anchors must be informative: a shingle of numbers and function words ("what is the value of",
            // "# # # # #") occurs in unrelated text and would make false matches.
            for (int i = 0; i < s; i++)
                if (Informative(tokens.AsSpan(i, ReferenceIndex.ShingleWidth))) all.Add(shingles[i]);
        }
        if (all.Count < 2) return false; // one anchor alone cannot tell an item from a common phrase
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

    private static readonly HashSet<ulong> StopTokens = BuildStopTokens();

    private static HashSet<ulong> BuildStopTokens()
    {
        var words = "# a an the of to and or in on at is are was were be been it its this that these those for with as by from what which who how why when where "
            + "you your i we he she they them his her our their my me do does did can could would should will not no if then than there here so all any each";
        var set = new HashSet<ulong>();
        var buffer = new ulong[1];
        foreach (var w in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (Tokenizer.Hash(w, buffer) == 1) set.Add(buffer[0]);
        return set;
    }

    /// <summary>A shingle is informative when at most two of its tokens are numbers or function words.</summary>
    private static bool Informative(ReadOnlySpan<ulong> window)
    {
        int stop = 0;
        foreach (var t in window) if (StopTokens.Contains(t)) stop++;
        return stop <= 2;
    }

    /// <summary>Builds the immutable index.</summary>
    public ReferenceIndex Build() => new(_datasets.ToArray(), _anchors, _items);
}
