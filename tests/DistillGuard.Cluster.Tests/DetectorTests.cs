using System.Text;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Log;
using DistillGuard.Core.Findings;
using Orleans.TestingHost;

namespace DistillGuard.Cluster.Tests;

public sealed class DetectorTests
{
    private static ExchangeBatch Exchanges(long sequence, params string[] lines)
    {
        var b = new ExchangeBatchBuilder();
        for (int i = 0; i < lines.Length; i++) b.Add(Encoding.UTF8.GetBytes(lines[i]), "t.jsonl", i + 1);
        return b.Build(sequence);
    }

    private static string Line(string account, int i) =>
        "{\"id\":\"x" + i + "\",\"timestamp\":\"2026-02-01T10:00:" + (i % 60).ToString("00") + "Z\",\"account_id\":\"" + account +
        "\",\"client_ip\":\"203.0.113." + (i % 7) + "\",\"request\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Question " + i +
        ": think step by step and show all your reasoning.\"}]},\"response\":{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}}";

    private static ExchangeBatch Settings() => new() { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = new DetectorSettings().ToJson() };

    [Fact]
    public void A_replica_applies_entries_strictly_in_log_order()
    {
        var replica = new DetectorReplica();
        Assert.Contains("does not start with its settings", Assert.Throws<InvalidOperationException>(() => replica.Apply(Exchanges(0, Line("a", 1)))).Message);
        replica.Apply(Settings());
        Assert.Contains("entry 2 applied when entry 1 was expected", Assert.Throws<InvalidOperationException>(() => replica.Apply(Exchanges(2, Line("a", 1)))).Message);
        replica.Apply(Exchanges(1, Line("a", 1), Line("b", 2), "not json"));
        Assert.Equal(2, replica.Exchanges);
        Assert.Equal(1, replica.Rejected);
        replica.Finish(new InputSummary(), new FindingsOptions());
        Assert.Throws<InvalidOperationException>(() => replica.Apply(Exchanges(2, Line("a", 3))));
    }

    [Fact]
    public void An_entry_whose_payload_does_not_decode_is_skipped_the_same_way_at_every_replay()
    {
        var good = Exchanges(1, Line("a", 1), Line("b", 2));
        var truncated = Exchanges(2, Line("a", 3), Line("c", 4));
        var bad = new ExchangeBatch { Kind = BatchKind.Exchanges, Sequence = 2, Count = 2, Payload = truncated.Payload[..^10] };
        var after = Exchanges(3, Line("d", 5));
        DetectorReplica Replay()
        {
            var r = new DetectorReplica();
            foreach (var e in new[] { Settings(), good, bad, after }) r.Apply(ExchangeBatchCodec.Decode(ExchangeBatchCodec.Encode(e)));
            return r;
        }
        var first = Replay();
        var second = Replay();
        Assert.Equal(4, first.Applied);
        Assert.Equal(1, first.RejectedEntries);
        Assert.Contains("entry 2", first.LastRejection);
        // The bad entry's first line (account a) was applied before the cut; "c" was lost, "d" after it was applied.
        Assert.Equal(4, first.Exchanges);
        Assert.NotNull(first.Engine!.Find("d"));
        Assert.Null(first.Engine.Find("c"));
        Assert.Equal((first.Applied, first.Exchanges, first.RejectedEntries), (second.Applied, second.Exchanges, second.RejectedEntries));
    }

    [Fact]
    public async Task Entries_that_could_never_apply_are_refused_before_they_reach_the_log()
    {
        var cluster = await TestClusters.StartAsync(1);
        await using var stop = cluster.StopOnDispose();
        var grain = cluster.Client.GetGrain<IDetectorGrain>("refusal-" + Guid.NewGuid().ToString("N"));
        var noSettings = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Submit(Exchanges(0, Line("a", 1))));
        Assert.Contains("does not start with its settings", noSettings.Message);
        var badSettings = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            grain.Submit(new ExchangeBatch { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = "{not json"u8.ToArray() }));
        Assert.Contains("detector settings", badSettings.Message);
        await foreach (var _ in MemoryDetectorLog.Shared.ReadAsync(grain.GetPrimaryKeyString(), TestContext.Current.CancellationToken)) Assert.Fail("a refused entry reached the log");
        Assert.Equal(1, await grain.Submit(Settings()));
        Assert.Contains("already applied", (await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Submit(new ExchangeBatch { Kind = BatchKind.Settings, Sequence = 1, Count = 1, Payload = new DetectorSettings().ToJson() }))).Message);
    }

    [Fact]
    public async Task A_retried_entry_is_acknowledged_once_and_a_gap_is_refused()
    {
        var cluster = await TestClusters.StartAsync(1);
        await using var stop = cluster.StopOnDispose();
        var grain = cluster.Client.GetGrain<IDetectorGrain>("idempotence-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(1, await grain.Submit(Settings()));
        Assert.Equal(1, await grain.Submit(Settings()));
        var batch = Exchanges(1, Line("a", 1), Line("a", 2), Line("b", 3));
        Assert.Equal(2, await grain.Submit(batch));
        Assert.Equal(2, await grain.Submit(batch)); // the retry of an entry already in the log
        var status = await grain.Status();
        Assert.Equal(3, status.Exchanges);
        Assert.Equal(2, status.Accounts);

        var gap = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Submit(Exchanges(5, Line("a", 4))));
        Assert.Contains("entry 5 arrived but the log holds 2 entries", gap.Message);

        // The log holds exactly the two acknowledged entries, once each.
        var log = new List<byte[]>();
        await foreach (var e in MemoryDetectorLog.Shared.ReadAsync(grain.GetPrimaryKeyString(), TestContext.Current.CancellationToken)) log.Add(e);
        Assert.Equal([0L, 1L], log.Select(e => ExchangeBatchCodec.Decode(e).Sequence));

        await grain.Delete();
        await foreach (var _ in MemoryDetectorLog.Shared.ReadAsync(grain.GetPrimaryKeyString(), TestContext.Current.CancellationToken)) Assert.Fail("the log was not deleted");
    }
}
