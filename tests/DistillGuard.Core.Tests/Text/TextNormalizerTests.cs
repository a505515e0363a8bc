using DistillGuard.Core.Text;
using FsCheck;
using FsCheck.Xunit;

namespace DistillGuard.Core.Tests.Text;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("Show Your REASONING", "show your reasoning")]
    [InlineData("Ｓｈｏｗ ｙｏｕｒ ｒｅａｓｏｎｉｎｇ", "show your reasoning")] // full-width
    [InlineData("show\u200B your\u200D reaso\u00ADning", "show your reasoning")] // zero-width space/joiner, soft hyphen
    [InlineData("shоw yоur rеasоning", "show your reasoning")] // Cyrillic о and е
    [InlineData("𝐬𝐡𝐨𝐰 𝐲𝐨𝐮𝐫 𝐫𝐞𝐚𝐬𝐨𝐧𝐢𝐧𝐠", "show your reasoning")] // mathematical bold
    [InlineData("chain-of-thought", "chain of thought")]
    [InlineData("step—by—step", "step by step")]
    [InlineData("generate 250 questions", "generate # questions")]
    [InlineData("  many   spaces\n\tand lines ", "many spaces and lines")]
    [InlineData("let’s think", "let's think")]
    public void Folds_spelling_variants_to_one_form(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void Folds_upper_and_lower_case_Cyrillic_to_the_same_form()
    {
        // Russian text must stay case-insensitive after look-alike folding (В/в, Н/н, Т/т fold to the same letter).
        Assert.Equal(TextNormalizer.Normalize("ВНУТРЕННИЕ РАССУЖДЕНИЯ"), TextNormalizer.Normalize("внутренние рассуждения"));
    }

    [Fact]
    public void Keeps_Chinese_text()
    {
        Assert.Equal("请展示你的推理过程", TextNormalizer.Normalize("请展示你的推理过程"));
    }

    /// <summary>The folding rules applied one character at a time from the two tables (kind, then mapped character).</summary>
    private static int ReferenceAppend(ReadOnlySpan<char> source, Span<char> destination, int w)
    {
        char last = w > 0 ? destination[w - 1] : ' ';
        for (int i = 0; i < source.Length && w < destination.Length; i++)
        {
            char c = source[i];
            switch (CharFolding.Kind[c])
            {
                case CharFolding.Emit: last = destination[w++] = CharFolding.Map[c]; break;
                case CharFolding.Space: if (last != ' ' && last != '\n') last = destination[w++] = ' '; break;
                case CharFolding.Digit: if (last != '#') last = destination[w++] = '#'; break;
                case CharFolding.Drop: break;
                case CharFolding.Expand:
                    foreach (var e in CharFolding.Expansions[c])
                    {
                        if (w == destination.Length) break;
                        if (e is >= '0' and <= '9') { if (last != '#') last = destination[w++] = '#'; }
                        else last = destination[w++] = e;
                    }
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                    {
                        // Supplementary characters take the same path in both (not what this test is about).
                        TextNormalizer.Append(source.Slice(i, 2), destination, ref w);
                        last = w > 0 ? destination[w - 1] : last;
                        i++;
                    }
                    break;
            }
        }
        return w;
    }

    [Fact]
    public void One_table_load_per_character_folds_exactly_as_the_two_tables_do()
    {
        // Random text over every kind of character: ASCII, digits, whitespace and dashes, look-alikes, full-width and
        // ligatures (expansions), zero-width and combining marks, CJK, surrogate pairs and lone surrogates; destinations
        // of every size, so truncation is compared too; and text appended after what is already there.
        string pool = "aZz09 _#\t\n\r-—‐.,;\"'’АаВвЕеОоΑαρ\u00AD\u200B\u200D\u0301ＳｈｏｗﬁŒß①⑫ǅ推理过程한국어🙂𝐬𝐡\uD835\uDC00\uD800\uDC00x\uDFFF";
        var rng = new Random(20261205);
        var text = new char[300];
        var expected = new char[400];
        var actual = new char[400];
        for (int trial = 0; trial < 5000; trial++)
        {
            int length = rng.Next(text.Length);
            for (int i = 0; i < length; i++) text[i] = rng.Next(4) == 0 ? (char)rng.Next(0x10000) : pool[rng.Next(pool.Length)];
            int capacity = rng.Next(1, actual.Length);
            int prefix = rng.Next(Math.Min(3, capacity));
            for (int i = 0; i < prefix; i++) expected[i] = actual[i] = " a\n"[rng.Next(3)];
            int w = prefix;
            TextNormalizer.Append(text.AsSpan(0, length), actual.AsSpan(0, capacity), ref w);
            int v = ReferenceAppend(text.AsSpan(0, length), expected.AsSpan(0, capacity), prefix);
            Assert.Equal(new string(expected, 0, v), new string(actual, 0, w));
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    public void Refuses_a_start_outside_the_destination(int written)
    {
        // The loop writes without bounds checks, so a start before or after the buffer must be refused up front
        // (a negative start once wrote one character before the span).
        var buffer = "zzzzzzz".ToCharArray();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TextNormalizer.Append("a", buffer.AsSpan(1, 5), ref written));
        Assert.Equal("written", error.ParamName);
        Assert.Equal("zzzzzzz", new string(buffer));
    }

    [Fact]
    public void Truncates_at_the_destination_without_throwing()
    {
        Span<char> small = stackalloc char[5];
        int n = 0;
        TextNormalizer.Append("abcdefghij", small, ref n);
        Assert.Equal("abcde", new string(small[..n]));
    }

    [Property(MaxTest = 300)]
    public bool Output_has_no_ascii_upper_case_digits_or_zero_width_characters(NonNull<string> input)
    {
        var s = TextNormalizer.Normalize(input.Get);
        return !s.Any(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '\u200B' or '\u200C' or '\u200D' or '\u00AD' or '\uFEFF');
    }

    [Property(MaxTest = 300)]
    public bool Normalising_twice_changes_nothing_for_printable_ascii(NonNull<string> input)
    {
        var ascii = new string(input.Get.Where(c => c >= 32 && c < 127).ToArray());
        var once = TextNormalizer.Normalize(ascii);
        return TextNormalizer.Normalize(once) == once;
    }
}
