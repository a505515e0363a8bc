using System.Text.Json;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Partitions;
using DistillGuard.Cluster.Scanning;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cluster.Tests;

/// <summary>
/// A partition detector's two passes over its log (<see cref="PartitionReplica"/>), host-independent: census parts
/// against the census of the whole log, the second pass against an engine fed the partition directly.
/// </summary>
public sealed class PartitionReplicaTests
{
    private const int Width = 1 << 16;

    /// <summary>The sample's exchanges split into partitions as the scan client splits them: each partition's log entries.</summary>
    private static List<ExchangeBatch>[] PartitionLogs(int partitions, int linesPerBatch = 200)
    {
        var logs = Enumerable.Range(0, partitions).Select(p => new List<ExchangeBatch>
        {
            new() { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = PartitionReplica.SettingsFor(new DetectorSettings(), p, partitions, Width).ToJson() },
        }).ToArray();
        var byPartition = SampleTraffic.AccountList().GroupBy(m => PartitionedScanClient.PartitionOf(m.AccountId, partitions)).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var (p, accounts) in byPartition)
            logs[p].Add(new ExchangeBatch { Kind = BatchKind.Accounts, Sequence = logs[p].Count, Count = accounts.Length, Payload = JsonSerializer.SerializeToUtf8Bytes(accounts) });
        var builders = Enumerable.Range(0, partitions).Select(_ => new ExchangeBatchBuilder()).ToArray();
        var x = new Exchange();
        new ExchangeLogReader(SampleTraffic.Sources).Run(() => x, (e, line, source, number) =>
        {
            int p = PartitionedScanClient.PartitionOf(e.AccountId, partitions);
            builders[p].Add(line, source, number);
            if (builders[p].Count == linesPerBatch) logs[p].Add(builders[p].Build(logs[p].Count));
        }, e => throw new InvalidDataException(e.ToString()));
        for (int p = 0; p < partitions; p++)
            if (builders[p].Count > 0) logs[p].Add(builders[p].Build(logs[p].Count));
        return logs;
    }

    private static IEnumerable<ExchangeBatch> CensusPieces(byte[] census, long firstSequence, int pieceBytes)
    {
        for (int at = 0; at < census.Length; at += pieceBytes)
            yield return new ExchangeBatch
            {
                Kind = BatchKind.Census, Sequence = firstSequence++, Count = census.Length,
                Payload = census.AsSpan(at, Math.Min(pieceBytes, census.Length - at)).ToArray(),
            };
    }

    [Fact]
    public void Census_parts_merge_into_the_census_of_the_whole_log_and_the_second_pass_equals_a_direct_scan_of_the_partition()
    {
        const int partitions = 3;
        var logs = PartitionLogs(partitions);
        var replicas = logs.Select(log =>
        {
            var r = new PartitionReplica();
            foreach (var e in log) r.Apply(ExchangeBatchCodec.Decode(ExchangeBatchCodec.Encode(e)));
            return r;
        }).ToArray();

        // The census of the whole log, taken in one pass over the file.
        var whole = new LogCensus(Width);
        var analyzer = new DetectionEngine().CreateAnalyzer();
        var analysis = new ExchangeAnalysis();
        var x = new Exchange();
        new ExchangeLogReader(SampleTraffic.Sources).Run(() => x, (e, _, _) =>
        {
            analyzer.AnalyzeTemplateKeys(e, analysis);
            whole.Observe(e, analysis);
        }, e => throw new InvalidDataException(e.ToString()));

        var merged = LogCensus.FromBytes(replicas[0].CensusPart());
        for (int p = 1; p < partitions; p++) merged.Merge(LogCensus.FromBytes(replicas[p].CensusPart()));
        Assert.Equal(7963, merged.Exchanges);
        Assert.Equal(whole.ToBytes(), merged.ToBytes());
        Assert.Equal(7963, replicas.Sum(r => r.Exchanges));
        Assert.All(replicas, r => Assert.True(r.Exchanges > 1000, $"{r.Exchanges} exchanges in a partition"));

        var censusBytes = merged.ToBytes();
        for (int p = 0; p < partitions; p++)
        {
            var replica = replicas[p];
            long censusAt = replica.Applied;
            foreach (var piece in CensusPieces(censusBytes, censusAt, pieceBytes: 10_000)) replica.Apply(piece);
            Assert.NotNull(replica.Census);
            Assert.Equal(censusAt, replica.CensusAt);
            replica.BeginSecondPass();
            foreach (var e in logs[p]) replica.ApplySecondPass(e);
            Assert.True(replica.SecondPassDone);
            var state = replica.CompleteSecondPass();

            // The same partition fed straight to an engine with the census.
            var direct = new DetectionEngine();
            direct.UseCensus(LogCensus.FromBytes(censusBytes));
            foreach (var m in SampleTraffic.AccountList().Where(m => PartitionedScanClient.PartitionOf(m.AccountId, partitions) == p)) direct.RegisterAccount(m);
            new ExchangeLogReader(SampleTraffic.Sources).Run(() => x, (e, source, number) =>
            {
                if (PartitionedScanClient.PartitionOf(e.AccountId, partitions) == p) direct.Process(e, source, number);
            }, e => throw new InvalidDataException(e.ToString()));
            Assert.Equal(PartitionStateCodec.Write(direct), state);
            Assert.Equal(direct.AccountCount, replica.StateAccounts);
            Assert.Null(replica.Engine);
        }
    }

    [Fact]
    public void A_partition_refuses_entries_that_could_never_apply()
    {
        ExchangeBatch Settings(DetectorSettings s) => new() { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = s.ToJson() };
        var r = new PartitionReplica();
        Assert.Contains("not the settings of a partition detector", r.Validate(Settings(new DetectorSettings())));
        Assert.Contains("power of two", r.Validate(Settings(PartitionReplica.SettingsFor(new DetectorSettings(), 0, 2, 1000))));
        Assert.Contains("not the settings of a partition detector", r.Validate(Settings(PartitionReplica.SettingsFor(new DetectorSettings(), 2, 2, Width))));
        Assert.Contains("does not start with its settings", r.Validate(new ExchangeBatch { Kind = BatchKind.Exchanges, Sequence = 0 }));
        // Regression: a reference index that does not load was accepted into the log; the partition then had settings
        // but no engine, and its next exchange entry (already appended) broke every replay.
        Assert.Contains("reference", r.Validate(Settings(PartitionReplica.SettingsFor(new DetectorSettings { Reference = [1, 2, 3, 4] }, 0, 2, Width))),
            StringComparison.OrdinalIgnoreCase);
        r.Apply(Settings(PartitionReplica.SettingsFor(new DetectorSettings(), 1, 2, 1 << 10)));
        Assert.Contains("entry 3 when entry 1 is next", r.Validate(new ExchangeBatch { Kind = BatchKind.Exchanges, Sequence = 3 }));
        Assert.Contains("not recomputed", r.Validate(new ExchangeBatch { Kind = BatchKind.Recompute, Sequence = 1 }));
        Assert.Throws<InvalidOperationException>(r.BeginSecondPass);

        var census = new LogCensus(1 << 10).ToBytes();
        Assert.Contains("census length 0: expected 1 to", r.Validate(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 1, Count = 0 }));
        Assert.Contains("overflows", r.Validate(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 1, Count = 10, Payload = new byte[11] }));
        // Regression: a census length without bound was accepted, and allocating it failed at every replay.
        Assert.Contains("census length 2147483647", r.Validate(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 1, Count = int.MaxValue, Payload = [1] }));
        Assert.Contains("empty census piece", r.Validate(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 1, Count = 10, Payload = [] }));
        r.Apply(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 1, Count = census.Length, Payload = census[..100] });
        Assert.Contains("earlier pieces said", r.Validate(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 2, Count = census.Length + 1, Payload = [1] }));
        Assert.Contains("accepts no more", r.Validate(new ExchangeBatch { Kind = BatchKind.Exchanges, Sequence = 2 }));
        Assert.Contains("accepts no more", r.Validate(new ExchangeBatch { Kind = BatchKind.Accounts, Sequence = 2 }));
        Assert.Throws<InvalidOperationException>(() => r.Apply(new ExchangeBatch { Kind = BatchKind.Exchanges, Sequence = 2 }));
        r.Apply(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 2, Count = census.Length, Payload = census[100..] });
        Assert.NotNull(r.Census);
        Assert.Contains("census is complete", r.Validate(new ExchangeBatch { Kind = BatchKind.Census, Sequence = 3, Count = 1, Payload = [0] }));
        Assert.Throws<InvalidOperationException>(() => r.CensusPart());
        r.BeginSecondPass();
        Assert.Throws<InvalidOperationException>(() => r.ApplySecondPass(new ExchangeBatch { Kind = BatchKind.Settings, Sequence = 1 }));
    }

    [Fact]
    public void A_census_of_another_width_is_rejected_and_the_pieces_start_again()
    {
        var r = new PartitionReplica();
        r.Apply(new ExchangeBatch { Kind = BatchKind.Settings, Sequence = 0, Count = 1, Payload = PartitionReplica.SettingsFor(new DetectorSettings(), 0, 1, 1 << 10).ToJson() });
        var wrong = new LogCensus(1 << 11).ToBytes();
        foreach (var piece in CensusPieces(wrong, 1, pieceBytes: 500)) r.Apply(piece);
        Assert.Null(r.Census);
        Assert.Equal(1, r.RejectedEntries);
        Assert.Contains("2048 counters per row", r.LastRejection);
        var right = new LogCensus(1 << 10).ToBytes();
        foreach (var piece in CensusPieces(right, r.Applied, pieceBytes: 500)) r.Apply(piece);
        Assert.NotNull(r.Census);
        Assert.Equal(1, r.CensusAt); // the second pass reads up to the first census entry
    }
}
