using System.IO.Compression;
using System.Text;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Ingest.Tests.Readers;

public class ExchangeLogReaderTests
{
    private const string Good = """{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":{"messages":[{"role":"user","content":"hi"}]}}""";

    private static (List<(string Account, string Source, long Line)> Ok, List<IngestError> Errors, ExchangeLogReader Reader) Read(params InputSource[] sources)
    {
        var ok = new List<(string, string, long)>();
        var errors = new List<IngestError>();
        var reader = new ExchangeLogReader(sources);
        reader.Run(() => new Exchange(), (x, s, l) => ok.Add((x.AccountId.ToString(), s, l)), errors.Add);
        return (ok, errors, reader);
    }

    private static InputSource Memory(string name, string content, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (gzip)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(bytes);
            bytes = ms.ToArray();
        }
        return InputSource.FromStream(name, () => new MemoryStream(bytes));
    }

    [Fact]
    public void A_malformed_line_is_reported_with_file_line_and_field_and_the_rest_is_read()
    {
        var text = string.Join("\n", Good, """{"account_id":"a","timestamp":"nope"}""", "", "garbage", Good.Replace("\"a\"", "\"b\""));
        var (ok, errors, reader) = Read(Memory("log.jsonl", text));
        Assert.Equal([("a", "log.jsonl", 1L), ("b", "log.jsonl", 5L)], ok);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("log.jsonl:2: timestamp: ", errors[0].ToString());
        Assert.StartsWith("log.jsonl:4: (line): valid JSON", errors[1].ToString());
        Assert.Equal((4L, 2L, 2L), (reader.LinesRead, reader.LinesSkipped, reader.Exchanges)); // the blank line is not counted
    }

    [Fact]
    public void Gzip_is_detected_by_content_and_crlf_and_a_missing_final_newline_are_handled()
    {
        var (ok, errors, _) = Read(Memory("x.log", Good + "\r\n" + Good, gzip: true));
        Assert.Empty(errors);
        Assert.Equal(2, ok.Count);
    }

    [Fact]
    public void A_truncated_gzip_file_reports_an_error_and_later_sources_are_still_read()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            for (int i = 0; i < 2000; i++) gz.Write(Encoding.UTF8.GetBytes(Good + "\n"));
        var cut = ms.ToArray()[..(int)(ms.Length / 2)];
        var (ok, errors, _) = Read(InputSource.FromStream("cut.jsonl.gz", () => new MemoryStream(cut)), Memory("next.jsonl", Good));
        // GZipStream ends quietly at the cut: the partial last line is reported, and says the file ends inside it.
        var cutError = Assert.Single(errors);
        Assert.Equal("cut.jsonl.gz", cutError.Source);
        Assert.Contains("file ends inside this line", cutError.Expected);
        Assert.Contains(ok, o => o.Source == "next.jsonl");
        Assert.Contains(ok, o => o.Source == "cut.jsonl.gz"); // what was readable before the cut was read
    }

    [Fact]
    public void Oversized_lines_are_skipped_without_buffering_them()
    {
        var huge = "{\"account_id\":\"a\",\"pad\":\"" + new string('x', 5000) + "\"}";
        var reader = new ExchangeLogReader([Memory("big.jsonl", Good + "\n" + huge + "\n" + Good)]);
        var errors = new List<IngestError>();
        int ok = 0;
        // A tiny line limit exercises the skip path.
        using var lines = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(Good + "\n" + huge + "\n" + Good)), initialBuffer: 256, maxLineBytes: 1024);
        var kinds = new List<bool>();
        while (lines.ReadLine(out _, out bool oversized)) kinds.Add(oversized);
        Assert.Equal([false, true, false], kinds);
        reader.Run(() => new Exchange(), (_, _, _) => ok++, errors.Add);
        Assert.Equal(2, ok);
    }
}
