using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DistillGuard.Ingest.Formats;
using DistillGuard.TestSupport;
using FsCheck;
using FsCheck.Fluent;

namespace DistillGuard.Ingest.Tests.Formats;

/// <summary>The copier must give exactly what <see cref="Utf8JsonReader.CopyString(Span{char})"/> gives.</summary>
public sealed class JsonStringCopierTests
{
    private static (string Expected, string Actual) Both(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var r = new Utf8JsonReader(bytes);
        Assert.True(r.Read());
        var expected = new char[r.ValueSpan.Length];
        int e = r.CopyString(expected);
        var actual = new char[r.ValueSpan.Length];
        int a = JsonStringCopier.Copy(ref r, actual);
        return (new string(expected, 0, e), new string(actual, 0, a));
    }

    private static readonly JsonSerializerOptions Strict = new() { Encoder = JavaScriptEncoder.Default };       // escapes <, >, &, ', non-ASCII
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData("\"plain ascii\"")]
    [InlineData("\"line\\nbreak\\ttab \\\"quoted\\\" back\\\\slash \\/ \\b\\f\\r\"")]
    [InlineData("\"\\u00e9t\\u00E9 \\u4e2d\\u6587 \\ud83d\\ude00 end\"")]
    [InlineData("\"raw UTF-8: été 中文 😀 \\n after\"")]
    [InlineData("\"\\\\\"")]
    [InlineData("\"\\u0000nul\"")]
    [InlineData("\"\"")]
    public void Known_escapes_decode_as_the_reader_decodes_them(string json)
    {
        var (expected, actual) = Both(json);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_lone_surrogate_is_left_to_the_reader_which_rejects_it()
    {
        foreach (var json in new[] { "\"\\ud83d alone\"", "\"\\ude00 low first\"", "\"\\ud83d\\u0041\"" })
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var r = new Utf8JsonReader(bytes);
            Assert.True(r.Read());
            var dest = new char[r.ValueSpan.Length];
            Exception? readerError = null;
            try { r.CopyString(dest); } catch (Exception e) { readerError = e; }
            Exception? copierError = null;
            try { JsonStringCopier.Copy(ref r, dest); } catch (Exception e) { copierError = e; }
            Assert.Equal(readerError?.GetType(), copierError?.GetType());
        }
    }

    [Fact]
    public void Real_prompts_serialised_both_ways_decode_identically()
    {
        var texts = Corpora.Texts("sharegpt_sample.jsonl.gz", limit: 300).Concat(Corpora.Texts("gsm8k.jsonl.gz", limit: 100));
        foreach (var text in texts)
            foreach (var options in new[] { Strict, Relaxed })
            {
                var (expected, actual) = Both(JsonSerializer.Serialize(text, options));
                Assert.Equal(text, expected);
                Assert.Equal(expected, actual);
            }
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Any_string_serialised_by_System_Text_Json_decodes_identically(string? text)
    {
        text ??= "";
        // Unpaired surrogates in the input are escaped as \uXXXX by the serializer; both must agree on those too.
        foreach (var options in new[] { Strict, Relaxed })
        {
            string json;
            try { json = JsonSerializer.Serialize(text, options); } catch (ArgumentException) { return true; }
            var bytes = Encoding.UTF8.GetBytes(json);
            var r = new Utf8JsonReader(bytes);
            r.Read();
            var e = new char[Math.Max(1, r.ValueSpan.Length)];
            var a = new char[Math.Max(1, r.ValueSpan.Length)];
            string? expected = null, actual = null;
            try { expected = new string(e, 0, r.CopyString(e)); } catch (InvalidOperationException) { }
            try { actual = new string(a, 0, JsonStringCopier.Copy(ref r, a)); } catch (InvalidOperationException) { }
            if (expected != actual) return false;
        }
        return true;
    }
}
