using System.Globalization;
using System.Text;

namespace DistillGuard.Core.Text;

/// <summary>
/// Per-character folding table for the Basic Multilingual Plane, computed once: Unicode compatibility
/// normalisation (NFKC), lower-casing, confusable folding (Cyrillic and Greek look-alikes of Latin letters, after
/// Unicode TR39 "confusables"), removal of format characters (zero-width space/joiners, soft hyphen, BOM, bidi
/// controls) and combining marks, and classification of whitespace, dashes and digits.
/// </summary>
internal static class CharFolding
{
    internal const byte Emit = 0, Drop = 1, Space = 2, Digit = 3, Expand = 4, Surrogate = 5;

    internal static readonly char[] Map = new char[65536];
    internal static readonly byte[] Kind = new byte[65536];
    internal static readonly Dictionary<char, string> Expansions = new();

    /// <summary>
    /// <see cref="Kind"/> and <see cref="Map"/> of each code unit in one entry, <c>Kind &lt;&lt; 16 | Map</c>, so the
    /// normaliser's loop does one load per character; an <see cref="Emit"/> entry is the character to write.
    /// </summary>
    internal static readonly uint[] Entries = new uint[65536];

    // Look-alikes folded to the Latin letter they imitate. Both cases of a Cyrillic letter map to the same target so
    // that folding stays case-insensitive for Russian text (patterns are folded the same way, so matching is consistent).
    private static readonly (char From, char To)[] Confusables =
    [
        ('а', 'a'), ('в', 'b'), ('с', 'c'), ('ԁ', 'd'), ('е', 'e'), ('ё', 'e'), ('һ', 'h'), ('н', 'h'), ('і', 'i'), ('ї', 'i'),
        ('ј', 'j'), ('к', 'k'), ('ӏ', 'l'), ('м', 'm'), ('о', 'o'), ('р', 'p'), ('ԛ', 'q'), ('ѕ', 's'), ('т', 't'),
        ('ц', 'u'), ('ѵ', 'v'), ('ԝ', 'w'), ('х', 'x'), ('у', 'y'),
        ('α', 'a'), ('β', 'b'), ('ε', 'e'), ('η', 'n'), ('ι', 'i'), ('κ', 'k'), ('ν', 'v'), ('ο', 'o'), ('ρ', 'p'),
        ('τ', 't'), ('υ', 'u'), ('χ', 'x'), ('ω', 'w'), ('ı', 'i'), ('ɡ', 'g'), ('ʟ', 'l'), ('ꞵ', 'b'),
    ];

    static CharFolding()
    {
        var confusable = new Dictionary<char, char>();
        foreach (var (from, to) in Confusables) confusable[from] = to;
        // 'ц' is not a look-alike of 'u'; keep Russian intact where no visual confusion exists.
        confusable.Remove('ц');

        Span<char> one = stackalloc char[1];
        for (int i = 0; i < 65536; i++)
        {
            char c = (char)i;
            if (char.IsSurrogate(c)) { Kind[i] = Surrogate; continue; }
            var cat = CharUnicodeInfo.GetUnicodeCategory(c);
            if (c == '\u00AD' || cat == UnicodeCategory.Format || cat == UnicodeCategory.NonSpacingMark
                || cat == UnicodeCategory.EnclosingMark || (cat == UnicodeCategory.Control && !char.IsWhiteSpace(c)))
            {
                Kind[i] = Drop;
                continue;
            }
            if (char.IsWhiteSpace(c) || cat == UnicodeCategory.SpaceSeparator) { Kind[i] = Space; continue; }
            if (cat == UnicodeCategory.DashPunctuation || c == '‐' || c == '−') { Kind[i] = Space; continue; }

            string folded;
            if (c < 128) folded = c.ToString();
            else
            {
                try { folded = c.ToString().Normalize(NormalizationForm.FormKC); }
                catch (ArgumentException) { folded = c.ToString(); }
            }
            var sb = new StringBuilder(folded.Length);
            foreach (var f in folded)
            {
                var fc = CharUnicodeInfo.GetUnicodeCategory(f);
                if (fc == UnicodeCategory.NonSpacingMark || fc == UnicodeCategory.Format) continue;
                char lower = char.ToLowerInvariant(f);
                if (confusable.TryGetValue(lower, out var latin)) lower = latin;
                lower = lower switch
                {
                    '\u2018' or '\u2019' or '\u201B' or '\u02BC' or '`' or '\u00B4' => '\'',
                    '\u201C' or '\u201D' or '\u201E' or '\u00AB' or '\u00BB' => '"',
                    _ => lower,
                };
                sb.Append(lower);
            }
            if (sb.Length == 0) { Kind[i] = Drop; continue; }
            if (sb.Length == 1)
            {
                char m = sb[0];
                if (m >= '0' && m <= '9') { Kind[i] = Digit; continue; }
                if (char.IsWhiteSpace(m)) { Kind[i] = Space; continue; }
                if (CharUnicodeInfo.GetUnicodeCategory(m) == UnicodeCategory.DashPunctuation) { Kind[i] = Space; continue; }
                Map[i] = m;
                Kind[i] = Emit;
                continue;
            }
            Kind[i] = Expand;
            Expansions[c] = sb.ToString();
        }
        for (int i = 0; i < 65536; i++) Entries[i] = (uint)Kind[i] << 16 | Map[i];
    }
}
