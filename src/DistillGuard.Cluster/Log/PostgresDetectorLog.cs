using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace DistillGuard.Cluster.Log;

/// <summary>
/// <see cref="IDetectorLog"/> in PostgreSQL: table <c>DetectorLog(Detector, Position, Entry)</c> with primary key
/// (detector, position), created by <see cref="Storage.Postgres.PostgresSchema"/>. The append inserts at a position
/// only if it is the log's length (max position + 1, read from the primary key's index), and the primary key refuses a
/// second entry at one position, so two activations of one detector can never interleave their entries. Appends,
/// deletes and sweeps of one detector's log take a transaction-scoped advisory lock on the detector first, so a delete
/// or an expiry cannot run between an append's length check and its insert (which would leave an entry at a position
/// whose predecessors are gone).
/// </summary>
/// <remarks>
/// PostgreSQL has no expiring keys: a scan's expiry is a row in <c>DetectorLogExpiry</c>, honoured by
/// <see cref="SweepExpiredAsync"/> (the silo runs it every few minutes) and before a log is read.
/// </remarks>
public sealed class PostgresDetectorLog : IDetectorLog
{
    /// <summary>Entries fetched per round trip while replaying.</summary>
    public const int ReadChunk = 32;

    private const string AppendSql = """
        WITH appended AS (
            INSERT INTO DetectorLog (Detector, Position, Entry)
            SELECT @detector, @position, @entry
            WHERE @position = (SELECT coalesce(max(Position) + 1, 0) FROM DetectorLog WHERE Detector = @detector)
            ON CONFLICT (Detector, Position) DO NOTHING
            RETURNING 1),
        expiry AS (
            INSERT INTO DetectorLogExpiry (Detector, ExpiresAt)
            SELECT @detector, now() + make_interval(secs => @ttl_ms / 1000.0) FROM appended WHERE @ttl_ms > 0
            ON CONFLICT (Detector) DO UPDATE SET ExpiresAt = excluded.ExpiresAt
            RETURNING 1)
        SELECT (SELECT count(*) FROM appended)::integer
        """;

    private const string SweepSql = """
        WITH expired AS (
            DELETE FROM DetectorLogExpiry WHERE Detector = @detector AND ExpiresAt < now()
            RETURNING Detector)
        DELETE FROM DetectorLog l USING expired WHERE l.Detector = expired.Detector
        """;

    // pg_advisory_xact_lock(namespace, hashtext(detector)): "DGLG" as the namespace.
    internal const string LockSql = "SELECT pg_advisory_xact_lock(1145523271, hashtext(@detector))";

    private readonly NpgsqlDataSource _source;

    /// <param name="source">Connections to the database, with the cluster store's schema on their search path.</param>
    public PostgresDetectorLog(NpgsqlDataSource source) => _source = source;

    /// <inheritdoc />
    public async Task<bool> AppendAsync(string detector, long position, byte[] entry, TimeSpan? expireAfter = null)
    {
        long ttl = expireAfter is { } t ? Math.Max(1, (long)t.TotalMilliseconds) : 0;
        await using var batch = Locked(detector, AppendSql);
        var append = batch.BatchCommands[1];
        append.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        append.Parameters.Add(new NpgsqlParameter("position", NpgsqlDbType.Bigint) { Value = position });
        append.Parameters.Add(new NpgsqlParameter("entry", NpgsqlDbType.Bytea) { Value = entry });
        append.Parameters.Add(new NpgsqlParameter("ttl_ms", NpgsqlDbType.Bigint) { Value = ttl });
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync(); // past the lock's row
        return await reader.ReadAsync() && reader.GetInt32(0) == 1;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The stored positions are not 0, 1, 2, … (the log was damaged outside DistillGuard).</exception>
    public async IAsyncEnumerable<byte[]> ReadAsync(string detector, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await SweepAsync(detector, cancel);
        for (long start = 0; ; start += ReadChunk)
        {
            var chunk = new List<byte[]>(ReadChunk);
            await using (var command = _source.CreateCommand(
                "SELECT Position, Entry FROM DetectorLog WHERE Detector = @detector AND Position >= @from ORDER BY Position LIMIT @chunk"))
            {
                command.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
                command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Bigint) { Value = start });
                command.Parameters.Add(new NpgsqlParameter("chunk", NpgsqlDbType.Integer) { Value = ReadChunk });
                await using var reader = await command.ExecuteReaderAsync(cancel);
                while (await reader.ReadAsync(cancel))
                {
                    long position = reader.GetInt64(0);
                    if (position != start + chunk.Count)
                        throw new InvalidDataException($"detector log {detector}: entry at position {position} where {start + chunk.Count} was expected (rows deleted outside DistillGuard?)");
                    chunk.Add(reader.GetFieldValue<byte[]>(1));
                }
            }
            foreach (var entry in chunk) yield return entry;
            if (chunk.Count < ReadChunk) yield break;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string detector)
    {
        await using var batch = Locked(detector, "DELETE FROM DetectorLog WHERE Detector = @detector");
        batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        var expiry = new NpgsqlBatchCommand("DELETE FROM DetectorLogExpiry WHERE Detector = @detector");
        expiry.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        batch.BatchCommands.Add(expiry);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes every log whose expiry has passed, one detector at a time under its lock.</summary>
    /// <returns>The number of entries deleted.</returns>
    public async Task<int> SweepExpiredAsync(CancellationToken cancel = default)
    {
        var expired = new List<string>();
        await using (var command = _source.CreateCommand("SELECT Detector FROM DetectorLogExpiry WHERE ExpiresAt < now()"))
        await using (var reader = await command.ExecuteReaderAsync(cancel))
            while (await reader.ReadAsync(cancel)) expired.Add(reader.GetString(0));
        int deleted = 0;
        foreach (var detector in expired) deleted += await SweepAsync(detector, cancel);
        return deleted;
    }

    /// <summary>Deletes <paramref name="detector"/>'s log if its expiry has passed (checked under its lock: an append may just have moved it).</summary>
    private async Task<int> SweepAsync(string detector, CancellationToken cancel)
    {
        await using var batch = Locked(detector, SweepSql);
        batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        await batch.ExecuteNonQueryAsync(cancel);
        return batch.BatchCommands[1].RecordsAffected;
    }

    /// <summary>
    /// A batch that takes the detector's advisory lock and then runs <paramref name="sql"/> (parameters to be added to
    /// <c>BatchCommands[1]</c>). A batch is one implicit transaction, so the lock is held until the batch ends, and each
    /// statement after the lock sees everything committed before it was granted.
    /// </summary>
    private NpgsqlBatch Locked(string detector, string sql)
    {
        var batch = _source.CreateBatch();
        var lockCommand = new NpgsqlBatchCommand(LockSql);
        lockCommand.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        return batch;
    }
}
