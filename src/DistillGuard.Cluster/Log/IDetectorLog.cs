namespace DistillGuard.Cluster.Log;

/// <summary>
/// The durable, append-only log of a detector's entries (encoded by <see cref="Batches.ExchangeBatchCodec"/>). An
/// entry is appended before the detector applies and acknowledges it, so losing the silo that hosts a detector loses
/// no acknowledged entry: the next activation replays the log.
/// </summary>
public interface IDetectorLog
{
    /// <summary>Appends <paramref name="entry"/> at position <paramref name="position"/> if the log holds exactly that many entries.</summary>
    /// <param name="detector">The detector's key.</param>
    /// <param name="position">0-based position the entry must take.</param>
    /// <param name="entry">The encoded entry.</param>
    /// <param name="expireAfter">Delete the whole log this long after its last append (a scan whose client vanished), or null to keep it.</param>
    /// <returns>True if appended; false if the log's length was not <paramref name="position"/> (another activation wrote to it).</returns>
    Task<bool> AppendAsync(string detector, long position, byte[] entry, TimeSpan? expireAfter = null);

    /// <summary>Every entry of the log, in order (empty for an unknown detector).</summary>
    IAsyncEnumerable<byte[]> ReadAsync(string detector, CancellationToken cancel = default);

    /// <summary>Removes the log (after its findings were collected).</summary>
    Task DeleteAsync(string detector);
}
