namespace DistillGuard.Core.Text;

/// <summary>Word-character test shared by the phrase matcher and the tokenizer.</summary>
public static class WordChars
{
    /// <summary>
    /// True for characters that form words in space-delimited scripts (letters, digits, the digit mark, underscore).
    /// CJK and other characters at or above U+2E80 are not word characters: each is its own token and needs no
    /// word boundary.
    /// </summary>
    public static bool IsWordChar(char c)
    {
        if (c < 128) return (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '_' || c == TextNormalizer.DigitMark;
        return c < '\u2E80' && char.IsLetterOrDigit(c);
    }

    /// <summary>True for ideographic and syllabic characters tokenised one per token (CJK, kana, hangul).</summary>
    public static bool IsIdeographic(char c) => c >= '\u2E80' && c < '\uD800' && char.IsLetter(c);
}
