using DistillGuard.Core.Text;

namespace DistillGuard.Core.Tests.Text;

public sealed class CompactTextTests
{
    [Theory]
    [InlineData("prompt: Write 50 math problems")]
    [InlineData("Résumé → 简历, naïve 🙂")]
    [InlineData("")]
    public void Valid_text_is_packed_as_utf8_and_unpacks_to_the_same_text(string text)
    {
        var packed = CompactText.Pack(text);
        var bytes = Assert.IsType<byte[]>(packed);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), bytes);
        Assert.Equal(text, CompactText.Unpack(packed));
        Assert.Equal(24 + bytes.Length, CompactText.SizeBytes(packed));
    }

    [Fact]
    public void Text_with_unpaired_surrogates_is_kept_as_it_is()
    {
        // Literals here, not theory data: the test runner's serialisation of theory data replaces unpaired surrogates.
        foreach (var text in new[] { "excerpt cut inside a pair \ud83d", "\udc00 lone low surrogate" })
        {
            Assert.True(char.IsSurrogate(text[^1]) || char.IsSurrogate(text[0]));
            var packed = CompactText.Pack(text);
            Assert.Same(text, packed);
            Assert.Equal(text, CompactText.Unpack(packed));
            Assert.Equal(22 + 2 * text.Length, CompactText.SizeBytes(packed));
        }
    }

    [Fact]
    public void Null_stays_null()
    {
        Assert.Null(CompactText.Pack(null));
        Assert.Null(CompactText.Unpack(null));
        Assert.Equal(0, CompactText.SizeBytes(null));
    }
}
