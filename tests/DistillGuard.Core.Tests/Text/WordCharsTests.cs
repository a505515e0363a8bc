using DistillGuard.Core.Similarity;
using DistillGuard.Core.Text;

namespace DistillGuard.Core.Tests.Text;

/// <summary>The word-character table against the definitions it is computed from, for every UTF-16 code unit.</summary>
public class WordCharsTests
{
    // The definitions, written out independently of the table.
    private static bool IsWord(char c) => c < 128
        ? c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '#'
        : c < '\u2E80' && char.IsLetterOrDigit(c);

    private static bool IsIdeograph(char c) => c >= '\u2E80' && c < '\uD800' && char.IsLetter(c);

    [Fact]
    public void Every_code_unit_is_classified_as_its_definition_says()
    {
        int words = 0, ideographs = 0;
        for (int i = 0; i <= char.MaxValue; i++)
        {
            char c = (char)i;
            Assert.True(IsWord(c) == WordChars.IsWordChar(c), $"U+{i:X4}: word {IsWord(c)}");
            Assert.True(IsIdeograph(c) == WordChars.IsIdeographic(c), $"U+{i:X4}: ideographic {IsIdeograph(c)}");
            if (IsWord(c)) words++;
            if (IsIdeograph(c)) ideographs++;
        }
        Assert.True(words > 5_000 && ideographs > 20_000, $"{words} word and {ideographs} ideographic code units");
    }

    [Theory]
    [InlineData("solve: x_1 + 2 = ## 推理", new[] { "solve", "x_1", "2", "##", "推", "理" })]
    [InlineData("мир—world", new[] { "мир", "world" })]
    [InlineData("", new string[0])]
    public void Tokens_are_runs_of_word_characters_and_single_ideographs(string text, string[] expected)
    {
        var tokens = new ulong[16];
        int n = Tokenizer.Hash(text, tokens);
        Assert.Equal(expected.Length, n);
        Assert.Equal(expected.Length, Tokenizer.Count(text));
        for (int i = 0; i < n; i++)
        {
            // Each token hashes as the same text alone does.
            var one = new ulong[1];
            Assert.Equal(1, Tokenizer.Hash(expected[i], one));
            Assert.Equal(one[0], tokens[i]);
        }
    }
}
