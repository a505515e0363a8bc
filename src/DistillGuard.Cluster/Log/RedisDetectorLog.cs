using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace DistillGuard.Cluster.Log;

/// <summary>
/// <see cref="IDetectorLog"/> in Redis: one list per detector, key <c>{prefix}:detector:{key}:log</c>. The append is
/// a Lua script that pushes only if the list's length equals the expected position, so two activations of one
/// detector (possible for a moment while membership settles after a failure) can never interleave their entries.
/// </summary>
/// <remarks>
/// Durability is Redis's own: run it with AOF (<c>appendonly yes</c>) or replicas in production. A scan's log expires
/// a day after its last append (its client deletes it when done; the expiry covers a client that vanished).
/// </remarks>
public sealed class RedisDetectorLog : IDetectorLog
{
    private const string AppendScript = """
        if redis.call('LLEN', KEYS[1]) == tonumber(ARGV[1]) then
          redis.call('RPUSH', KEYS[1], ARGV[2])
          if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
          return 1
        end
        return 0
        """;

    /// <summary>Entries fetched per round trip while replaying.</summary>
    public const int ReadChunk = 32;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;

    /// <param name="redis">The connection.</param>
    /// <param name="prefix">Key prefix (the Orleans service id), so several deployments can share one Redis.</param>
    public RedisDetectorLog(IConnectionMultiplexer redis, string prefix)
    {
        _redis = redis;
        _prefix = prefix;
    }

    private RedisKey Key(string detector) => $"{_prefix}:detector:{detector}:log";

    /// <inheritdoc />
    public async Task<bool> AppendAsync(string detector, long position, byte[] entry, TimeSpan? expireAfter = null)
    {
        long ttl = expireAfter is { } t ? Math.Max(1, (long)t.TotalMilliseconds) : 0;
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(AppendScript, [Key(detector)], [position, entry, ttl]);
        return (long)result == 1;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<byte[]> ReadAsync(string detector, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var db = _redis.GetDatabase();
        var key = Key(detector);
        for (long start = 0; ; start += ReadChunk)
        {
            cancel.ThrowIfCancellationRequested();
            var chunk = await db.ListRangeAsync(key, start, start + ReadChunk - 1);
            foreach (var value in chunk) yield return (byte[])value!;
            if (chunk.Length < ReadChunk) yield break;
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string detector) => _redis.GetDatabase().KeyDeleteAsync(Key(detector));
}
