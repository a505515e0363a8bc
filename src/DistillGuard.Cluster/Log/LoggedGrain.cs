using System.Diagnostics;
using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Detector;

namespace DistillGuard.Cluster.Log;

/// <summary>
/// A grain whose state is rebuilt from its own durable log (<see cref="IDetectorLog"/>, keyed by the grain's key): the
/// replay on activation, the append-and-apply of each new entry, and the bookkeeping both report (entries replayed,
/// time spent). Shared by <see cref="DetectorGrain"/> and <see cref="Partitions.PartitionGrain"/>.
/// </summary>
public abstract class LoggedGrain : Grain
{
    private long _busy;

    /// <param name="log">The store of the grain's log.</param>
    protected LoggedGrain(IDetectorLog log) => DetectorLog = log;

    /// <summary>The store of the grain's log.</summary>
    protected IDetectorLog DetectorLog { get; }

    /// <summary>The grain's key, which is also its log's key.</summary>
    protected string Key => this.GetPrimaryKeyString();

    /// <summary>Entries replayed when this activation started (non-zero after a move or failure).</summary>
    protected long Replayed { get; private set; }

    /// <summary>Milliseconds the replay took.</summary>
    protected long ReplayMs { get; private set; }

    /// <summary>Milliseconds this activation spent applying entries (replay excluded) and in <see cref="AddBusy"/>.</summary>
    protected long BusyMs => (long)Stopwatch.GetElapsedTime(0, _busy).TotalMilliseconds;

    /// <summary>Counts work done since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) as busy time.</summary>
    protected void AddBusy(long startTimestamp) => _busy += Stopwatch.GetTimestamp() - startTimestamp;

    /// <summary>Reads the whole log and hands each entry to <paramref name="apply"/>, counting <see cref="Replayed"/> and <see cref="ReplayMs"/>.</summary>
    /// <exception cref="InvalidDataException">An entry of the log is not an entry (damaged outside DistillGuard).</exception>
    protected async Task ReplayAsync(Action<ExchangeBatch> apply, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        await foreach (var bytes in DetectorLog.ReadAsync(Key, cancel))
        {
            apply(ExchangeBatchCodec.Decode(bytes));
            Replayed++;
        }
        ReplayMs = clock.ElapsedMilliseconds;
    }

    /// <summary>
    /// Appends <paramref name="entry"/> at its position in the durable log and applies it (<paramref name="apply"/>;
    /// validate the entry first, so the log never holds one that would stop a replay). Append and apply overlap (the
    /// store's round trip runs while the engine works), and the call returns — acknowledging the entry — only once both
    /// are done. If either fails, the state may already hold the entry: the activation is dropped, and the next one
    /// replays the log.
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="expireAfter">The log's expiry after this append (<see cref="IDetectorLog.AppendAsync"/>), or null to keep it.</param>
    /// <param name="apply">Applies the entry to the grain's state.</param>
    /// <param name="what">The grain, for the conflict's message ("detector X", "partition Y").</param>
    /// <exception cref="DetectorConflictException">Another activation appended to the log meanwhile (retry).</exception>
    protected async Task AppendAndApplyAsync(ExchangeBatch entry, TimeSpan? expireAfter, Action apply, string what)
    {
        var appended = DetectorLog.AppendAsync(Key, entry.Sequence, ExchangeBatchCodec.Encode(entry), expireAfter);
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            apply();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            AddBusy(t0);
        }
        bool ok;
        try
        {
            ok = await appended;
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        if (!ok)
        {
            DeactivateOnIdle();
            throw new DetectorConflictException($"{what}: its log was appended to by another activation; retry");
        }
    }

    /// <summary>Deletes the grain's log and deactivates it.</summary>
    protected async Task DeleteLogAsync()
    {
        await DetectorLog.DeleteAsync(Key);
        DeactivateOnIdle();
    }
}
