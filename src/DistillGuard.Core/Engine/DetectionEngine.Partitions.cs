using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Engine;

/// <summary>
/// The order-independent side of the engine: a census of the whole log (<see cref="UseCensus"/>) and the merge of
/// engines that scanned disjoint account partitions of it (<see cref="MergePartition"/>, with
/// <see cref="PartitionStateCodec"/>). See docs/detection.md §6 and docs/design/0006-cluster-plan.md.
/// </summary>
public sealed partial class DetectionEngine
{
    /// <summary>
    /// Makes the final findings independent of how the log's accounts are interleaved, given a census of the whole log
    /// from a first pass (<see cref="LogCensus"/>; built with this engine's analyzers): a prompt-template key is
    /// recurring when it recurs anywhere in the log rather than in the recent window, new-model pivots use the log's
    /// first sightings, a reasoning signature sent back is classified against its issuer anywhere in the log (so no
    /// replay is credited late), content suspicion is counted for every recurring template from the first exchange, and the
    /// indicator index switches to order-free bookkeeping (<see cref="IndicatorIndex.UseOrderFreeBookkeeping"/>, ranked
    /// by a hash of the account id). Streaming outputs that are about order by definition (<c>first_flagged_at</c>,
    /// evidence examples, display texts) still follow the order of arrival.
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine already holds accounts or a census.</exception>
    public void UseCensus(LogCensus census)
    {
        ArgumentNullException.ThrowIfNull(census);
        if (_census is not null || _profiles.Count > 0 || ExchangeCount > 0) throw new InvalidOperationException("A census must be given before any account or exchange.");
        _census = census;
        _templates = null; // recurrence now comes from the census (8 MiB of one-pass counters freed)
        _models.Seed(census.ModelFirstSeen, census.StreamStartMs);
        _index.UseOrderFreeBookkeeping(i => Hash64.Of(_profiles[i].AccountId));
    }

    /// <summary>
    /// Adds the state of an engine that processed another, disjoint set of accounts of the same log with the same
    /// census: its account profiles (with their evidence) and its indicator index. An engine fed the partitions of a log
    /// by account and then given every partition's state this way ends, after <see cref="Finish"/>, with the verdicts
    /// and campaigns of one engine fed the whole log (both with <see cref="UseCensus"/>): the map-reduce form of a scan
    /// that a cluster runs (docs/design/0006-cluster-plan.md). <c>first_flagged_at</c> keeps what each partition saw.
    /// </summary>
    /// <param name="partition">The partition's engine; not to be used afterwards (its profile objects are adopted and its texts moved).</param>
    /// <exception cref="InvalidOperationException">Either engine has no census, the censuses differ (shape, exchanges or
    /// start), or an account is in both (checked before anything is merged).</exception>
    public void MergePartition(DetectionEngine partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (_census is null || partition._census is null) throw new InvalidOperationException("Only engines with a census (UseCensus) merge.");
        if (partition._census.Width != _census.Width || partition._census.Depth != _census.Depth || partition._census.Exchanges != _census.Exchanges
            || partition._census.StreamStartMs != _census.StreamStartMs)
            throw new InvalidOperationException("The partition was scanned with another census.");
        foreach (var q in partition._profiles)
            if (_byId.ContainsKey(q.AccountId)) throw new InvalidOperationException($"Account '{q.AccountId}' is in two partitions.");
        // The partition's profiles are adopted as they are (with their evidence), under new dense indexes.
        var map = new int[partition._profiles.Count];
        foreach (var q in partition._profiles)
        {
            map[q.Index] = _profiles.Count;
            q.Index = _profiles.Count;
            q.Label = -1;
            _profiles.Add(q);
            _byId[q.AccountId] = q;
        }
        _index.MergeFrom(partition._index, map);
        if (partition.ExchangeCount > 0)
        {
            StreamStartMs = ExchangeCount == 0 ? partition.StreamStartMs : Math.Min(StreamStartMs, partition.StreamStartMs);
            StreamClockMs = Math.Max(StreamClockMs, partition.StreamClockMs);
            ExchangeCount += partition.ExchangeCount;
        }
    }

    /// <summary>A new profile for a partition state being read (<see cref="PartitionStateCodec"/>).</summary>
    /// <exception cref="InvalidDataException">The account is already present.</exception>
    internal AccountProfile AddRestoredProfile(string accountId)
    {
        if (_byId.ContainsKey(accountId)) throw new InvalidDataException($"account '{accountId}' twice");
        return Resolve(accountId);
    }

    /// <summary>The stream counters of a partition state being read (<see cref="PartitionStateCodec"/>).</summary>
    internal void RestoreStream(long exchanges, long startMs, long clockMs)
    {
        ExchangeCount = exchanges;
        StreamStartMs = startMs;
        StreamClockMs = clockMs;
    }

    /// <summary>The census in use (<see cref="UseCensus"/>), or null in one-pass streaming mode.</summary>
    public LogCensus? Census => _census;
}
