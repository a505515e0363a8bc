using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DistillGuard.Core.Text;

/// <summary>
/// Folds text into the canonical form every matcher in DistillGuard works on, in one pass without allocating:
/// NFKC compatibility folding (full-width and mathematical letters become ASCII), lower case, confusable look-alikes
/// folded to Latin (after Unicode TR39), zero-width and other format characters and combining marks removed, dashes
/// and whitespace runs collapsed to one space, and every run of digits replaced by a single <c>#</c>.
/// </summary>
/// <remarks>
/// Phrase patterns are folded with the same function, so a pattern matches any spelling that folds to it
/// (for example <c>Ｓｈｏｗ ｙｏｕｒ ｒеаѕоｎｉｎｇ</c> with Cyrillic look-alikes and zero-width joiners).
/// </remarks>
public static class TextNormalizer
{
    /// <summary>The character every run of digits is folded to.</summary>
    public const char DigitMark = '#';

    /// <summary>
    /// Normalises <paramref name="source"/> into <paramref name="destination"/>, appending after
    /// <paramref name="written"/> characters already there. Output that does not fit is truncated.
    /// </summary>
    /// <param name="source">Raw text.</param>
    /// <param name="destination">Output buffer; a length of <c>source.Length + 16</c> is always enough except for rare expansions.</param>
    /// <param name="written">Characters already in <paramref name="destination"/>; updated.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="written"/> is negative or beyond <paramref name="destination"/>.</exception>
    public static void Append(ReadOnlySpan<char> source, Span<char> destination, ref int written)
    {
        // The loop writes without bounds checks below `destination.Length`; a start outside the buffer is refused here.
        if ((uint)written > (uint)destination.Length)
            throw new ArgumentOutOfRangeException(nameof(written), written, $"0–{destination.Length} characters already written expected");
        // One table load per character; the common case (a character written as its folded self) takes one branch.
        ref uint entries = ref MemoryMarshal.GetArrayDataReference(CharFolding.Entries);
        ref char src = ref MemoryMarshal.GetReference(source);
        ref char dst = ref MemoryMarshal.GetReference(destination);
        int w = written, capacity = destination.Length;
        char last = w > 0 ? destination[w - 1] : ' ';
        for (int i = 0; i < source.Length && w < capacity; i++)
        {
            char c = Unsafe.Add(ref src, i);
            uint entry = Unsafe.Add(ref entries, c);
            if (entry <= char.MaxValue) // Emit
            {
                last = (char)entry;
                Unsafe.Add(ref dst, w++) = last;
                continue;
            }
            switch (entry >> 16)
            {
                case CharFolding.Space:
                    if (last != ' ' && last != '\n') last = Unsafe.Add(ref dst, w++) = ' ';
                    break;
                case CharFolding.Digit:
                    if (last != DigitMark) last = Unsafe.Add(ref dst, w++) = DigitMark;
                    break;
                case CharFolding.Drop:
                    break;
                case CharFolding.Expand:
                    foreach (var e in CharFolding.Expansions[c])
                    {
                        if (w == capacity) break;
                        if (e >= '0' && e <= '9') { if (last != DigitMark) last = destination[w++] = DigitMark; }
                        else last = destination[w++] = e;
                    }
                    break;
                default: // surrogate
                    if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                    {
                        AppendSupplementary(source.Slice(i, 2), destination, ref w, ref last);
                        i++;
                    }
                    break;
            }
        }
        written = w;
    }

    /// <summary>Normalises <paramref name="source"/> into a new string (convenience for tests and lexicon building).</summary>
    public static string Normalize(string source)
    {
        var buffer = new char[source.Length * 4 + 16];
        int n = 0;
        Append(source, buffer, ref n);
        return new string(buffer, 0, n).Trim();
    }

    private static void AppendSupplementary(ReadOnlySpan<char> pair, Span<char> destination, ref int w, ref char last)
    {
        var cat = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(pair[0], pair[1]));
        if (cat is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) return; // tag characters etc.
        int cp = char.ConvertToUtf32(pair[0], pair[1]);
        // Mathematical alphanumerics, enclosed alphanumerics and similar fold under NFKC; other planes are kept as they are.
        if ((cp >= 0x1D400 && cp <= 0x1D7FF) || (cp >= 0x1F100 && cp <= 0x1F1FF))
        {
            string folded = new string(pair).Normalize(NormalizationForm.FormKC);
            foreach (var f in folded)
            {
                if (w == destination.Length) return;
                char lower = char.ToLowerInvariant(f);
                if (lower >= '0' && lower <= '9') { if (last != DigitMark) last = destination[w++] = DigitMark; }
                else if (CharFolding.Kind[lower] == CharFolding.Emit) last = destination[w++] = CharFolding.Map[lower];
            }
            return;
        }
        if (w + 2 > destination.Length) return;
        destination[w++] = pair[0];
        last = destination[w++] = pair[1];
    }
}
