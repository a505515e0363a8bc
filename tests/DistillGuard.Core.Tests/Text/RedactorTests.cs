using DistillGuard.Core.Text;

namespace DistillGuard.Core.Tests.Text;

public class RedactorTests
{
    [Theory]
    [InlineData("mail me at jane.doe@example.com please", "mail me at [email] please")]
    [InlineData("see https://example.com/a?token=123 now", "see [url] now")]
    [InlineData("key sk-abcdefghijklmnopqrstuv", "key [secret]")]
    [InlineData("call +1 (415) 555-0134 today", "call [number] today")]
    [InlineData("from 192.168.10.20 to", "from [ip] to")]
    public void Redacts_personal_data_and_secrets(string input, string expected) => Assert.Equal(expected, Redactor.Redact(input));

    [Fact]
    public void Excerpts_are_short_collapsed_and_marked_when_cut()
    {
        var text = string.Join(" ", Enumerable.Repeat("word", 200));
        var e = Redactor.Excerpt(text, 50);
        Assert.True(e.Length <= 50);
        Assert.EndsWith("…", e);
        Assert.Equal("a b c", Redactor.Excerpt("a\n\n b\t c"));
    }

    [Fact]
    public void A_cut_never_leaves_half_an_address()
    {
        var text = new string('x', 30) + " " + "very.long.name@example.com";
        var e = Redactor.Excerpt(text, 20);
        Assert.DoesNotContain("@", e);
        Assert.DoesNotContain("very.long", e);
    }
}
