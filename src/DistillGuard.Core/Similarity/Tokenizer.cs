using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Similarity;

/// <summary>
/// Splits normalised text into token hashes without allocating: runs of word characters form one token, each
/// ideographic character (CJK, kana, hangul) is a token of its own, everything else separates tokens.
/// </summary>
public static class Tokenizer
{
    /// <summary>Writes the 64-bit hash of each token of <paramref name="text"/> into <paramref name="tokens"/>.</summary>
    /// <returns>Number of tokens written (at most <c>tokens.Length</c>).</returns>
    public static int Hash(ReadOnlySpan<char> text, Span<ulong> tokens)
    {
        int n = 0;
        ulong h = 0;
        bool inWord = false;
        ref byte classes = ref MemoryMarshal.GetArrayDataReference(WordChars.Classes);
        ref char start = ref MemoryMarshal.GetReference(text);
        for (int i = 0; i < text.Length; i++)
        {
            char c = Unsafe.Add(ref start, i);
            byte kind = Unsafe.Add(ref classes, c);
            if (kind == WordChars.Word)
            {
                h = inWord ? Step(h, c) : Step(0xcbf29ce484222325UL, c);
                inWord = true;
                continue;
            }
            if (inWord)
            {
                if (n == tokens.Length) return n;
                tokens[n++] = Hash64.Mix(h);
                inWord = false;
            }
            if (kind == WordChars.Ideographic)
            {
                if (n == tokens.Length) return n;
                tokens[n++] = Hash64.Mix(Step(0x84222325cbf29ce4UL, c));
            }
        }
        if (inWord && n < tokens.Length) tokens[n++] = Hash64.Mix(h);
        return n;
    }

    /// <summary>Counts tokens in <paramref name="text"/> under the same rules as <see cref="Hash"/>.</summary>
    public static int Count(ReadOnlySpan<char> text)
    {
        int n = 0;
        bool inWord = false;
        foreach (var c in text)
        {
            if (WordChars.IsWordChar(c)) { if (!inWord) n++; inWord = true; continue; }
            inWord = false;
            if (WordChars.IsIdeographic(c)) n++;
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Step(ulong h, char c) => (h ^ c) * 0x100000001b3UL;
}
