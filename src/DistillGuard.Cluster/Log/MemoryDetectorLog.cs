using System.Runtime.CompilerServices;

namespace DistillGuard.Cluster.Log;

/// <summary>
/// An in-process <see cref="IDetectorLog"/> for tests and single-machine demos: durable only as long as the process.
/// Silos hosted in one process (Orleans' TestingHost) share <see cref="Shared"/>, so a silo stopped there loses nothing.
/// </summary>
public sealed class MemoryDetectorLog : IDetectorLog
{
    private readonly Dictionary<string, List<byte[]>> _logs = new(StringComparer.Ordinal);

    /// <summary>One log store per process.</summary>
    public static MemoryDetectorLog Shared { get; } = new();

    /// <inheritdoc />
    /// <remarks>Expiry is not modelled: the memory log lives only as long as the process.</remarks>
    public Task<bool> AppendAsync(string detector, long position, byte[] entry, TimeSpan? expireAfter = null)
    {
        lock (_logs)
        {
            if (!_logs.TryGetValue(detector, out var log)) _logs[detector] = log = new List<byte[]>();
            if (log.Count != position) return Task.FromResult(false);
            log.Add(entry);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<byte[]> ReadAsync(string detector, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        byte[][] entries;
        lock (_logs) entries = _logs.TryGetValue(detector, out var log) ? log.ToArray() : [];
        foreach (var e in entries)
        {
            cancel.ThrowIfCancellationRequested();
            yield return e;
        }
        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string detector)
    {
        lock (_logs) _logs.Remove(detector);
        return Task.CompletedTask;
    }
}
