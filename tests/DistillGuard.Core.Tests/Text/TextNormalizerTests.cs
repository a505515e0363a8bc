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
