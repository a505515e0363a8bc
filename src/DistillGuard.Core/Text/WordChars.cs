using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistillGuard.Core.Text;

/// <summary>Word-character test shared by the phrase matcher and the tokenizer.</summary>
/// <remarks>
/// Both tests read one table of the Basic Multilingual Plane (64 KiB, one byte per UTF-16 code unit, computed once),
/// so the hot loops that call them per character do one load instead of a Unicode category look-up.
/// </remarks>
public static class WordChars
{
    /// <summary>Class of a code unit in <see cref="Classes"/>: separates tokens.</summary>
    public const byte Other = 0;
    /// <summary>Class of a code unit in <see cref="Classes"/>: part of a word (<see cref="IsWordChar"/>).</summary>
    public const byte Word = 1;
    /// <summary>Class of a code unit in <see cref="Classes"/>: a token by itself (<see cref="IsIdeographic"/>).</summary>
    public const byte Ideographic = 2;

    /// <summary>The class (<see cref="Other"/>, <see cref="Word"/>, <see cref="Ideographic"/>) of each UTF-16 code unit; 65,536 entries.</summary>
    internal static readonly byte[] Classes = BuildClasses();

    /// <summary>
    /// True for characters that form words in space-delimited scripts (letters, digits, the digit mark, underscore).
    /// CJK and other characters at or above U+2E80 are not word characters: each is its own token and needs no
    /// word boundary.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWordChar(char c) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Classes), c) == Word;

    /// <summary>True for ideographic and syllabic characters tokenised one per token (CJK, kana, hangul).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsIdeographic(char c) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Classes), c) == Ideographic;

    // The definitions the table is computed from.
    private static bool ComputeIsWordChar(char c)
    {
        if (c < 128) return (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '_' || c == TextNormalizer.DigitMark;
        return c < '\u2E80' && char.IsLetterOrDigit(c);
    }

    private static bool ComputeIsIdeographic(char c) => c >= '\u2E80' && c < '\uD800' && char.IsLetter(c);

    private static byte[] BuildClasses()
    {
        var table = new byte[65536];
        for (int i = 0; i < table.Length; i++)
        {
            char c = (char)i;
            table[i] = ComputeIsWordChar(c) ? Word : ComputeIsIdeographic(c) ? Ideographic : Other;
        }
        return table;
    }
}
