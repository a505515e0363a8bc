using System.Text;
using DistillGuard.Cluster.Batches;

namespace DistillGuard.Cluster.Tests;

public sealed class ExchangeBatchCodecTests
{
    [Fact]
    public void Lines_sources_and_numbers_survive_a_round_trip_through_the_log_format()
    {
        var builder = new ExchangeBatchBuilder();
        var lines = new[] { ("a.jsonl", 1L, "{\"x\":1}"), ("a.jsonl", 7L, "{\"é\":\"ü\"}"), ("b/c.jsonl.gz", 123456789012L, ""), ("a.jsonl", 8L, new string('z', 70_000)) };
        foreach (var (source, number, text) in lines) builder.Add(Encoding.UTF8.GetBytes(text), source, number);
        Assert.Equal(4, builder.Count);

        var batch = ExchangeBatchCodec.Decode(ExchangeBatchCodec.Encode(builder.Build(sequence: 42)));
        Assert.Equal(BatchKind.Exchanges, batch.Kind);
        Assert.Equal(42, batch.Sequence);
        Assert.Equal(4, batch.Count);
        var read = new List<(string, long, string)>();
        ExchangeBatchCodec.ForEachLine(batch.Payload, (line, source, number) => read.Add((source, number, Encoding.UTF8.GetString(line))));
        Assert.Equal(lines, read);
        Assert.Equal(0, builder.Count); // Build resets the builder
    }

    [Fact]
    public void Bytes_that_are_not_a_log_entry_are_rejected_with_the_reason()
    {
        var e = Assert.Throws<InvalidDataException>(() => ExchangeBatchCodec.Decode("{\"not\":\"an entry\"}"u8));
        Assert.Contains("DGB1", e.Message);

        var good = ExchangeBatchCodec.Encode(new ExchangeBatch { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = [1, 2, 3] });
        var cut = Assert.Throws<InvalidDataException>(() => ExchangeBatchCodec.Decode(good.AsSpan(0, good.Length - 1)));
        Assert.Contains("payload length 3", cut.Message);

        good[4] = 99;
        Assert.Contains("unknown kind 99", Assert.Throws<InvalidDataException>(() => ExchangeBatchCodec.Decode(good)).Message);

        var builder = new ExchangeBatchBuilder();
        builder.Add("{}"u8, "a", 1);
        var payload = builder.Build(1).Payload;
        Assert.Throws<InvalidDataException>(() => ExchangeBatchCodec.ForEachLine(payload.AsSpan(0, payload.Length - 1), (_, _, _) => { }));
    }
}
