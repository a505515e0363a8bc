using System.Diagnostics.Metrics;

namespace DistillGuard.Cluster.Hosting;

/// <summary>
/// The meter of DistillGuard's grains (<c>DistillGuard.Cluster</c>; a silo's <c>--http</c> serves it on <c>/metrics</c>
/// in Prometheus form, e.g. <c>distillguard_detector_exchanges_total</c>). Counts are per silo.
/// </summary>
public static class ClusterMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "DistillGuard.Cluster";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Exchanges applied by detector grains on this silo (replays excluded).</summary>
    public static readonly Counter<long> DetectorExchanges = Meter.CreateCounter<long>("distillguard.detector.exchanges", "{exchange}", "Exchanges applied by detector grains on this silo.");

    /// <summary>Log entries replayed by detector activations on this silo.</summary>
    public static readonly Counter<long> DetectorReplayedEntries = Meter.CreateCounter<long>("distillguard.detector.replayed_entries", "{entry}", "Log entries replayed by detector activations on this silo.");

    /// <summary>Exchanges counted into census parts by partition grains on this silo (the first pass; replays excluded).</summary>
    public static readonly Counter<long> PartitionExchanges = Meter.CreateCounter<long>("distillguard.partition.exchanges", "{exchange}", "Exchanges received by partition grains on this silo (first pass).");

    /// <summary>Log entries read again by partition grains' second passes on this silo.</summary>
    public static readonly Counter<long> PartitionSecondPassEntries = Meter.CreateCounter<long>("distillguard.partition.second_pass_entries", "{entry}", "Log entries read by partition grains' second passes on this silo.");

    /// <summary>Log entries replayed by partition activations on this silo.</summary>
    public static readonly Counter<long> PartitionReplayedEntries = Meter.CreateCounter<long>("distillguard.partition.replayed_entries", "{entry}", "Log entries replayed by partition activations on this silo.");
}
