using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace DistillGuard.Cluster.Log;

/// <summary>
/// <see cref="IDetectorLog"/> in PostgreSQL: table <c>DetectorLog(Detector, Position, Entry)</c> with primary key
/// (detector, position), created by <see cref="Storage.Postgres.PostgresSchema"/>. The append inserts at a position
/// only if it is the log's length (max position + 1, read from the primary key's index), and the primary key refuses a
/// second entry at one position, so two activations of one detector can never interleave their entries.
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
            DELETE FROM DetectorLogExpiry WHERE ExpiresAt < now() AND (@detector IS NULL OR Detector = @detector)
            RETURNING Detector)
        DELETE FROM DetectorLog l USING expired WHERE l.Detector = expired.Detector
        """;

    private readonly NpgsqlDataSource _source;

    /// <param name="source">Connections to the database, with the cluster store's schema on their search path.</param>
    public PostgresDetectorLog(NpgsqlDataSource source) => _source = source;

    /// <inheritdoc />
    public async Task<bool> AppendAsync(string detector, long position, byte[] entry, TimeSpan? expireAfter = null)
    {
        long ttl = expireAfter is { } t ? Math.Max(1, (long)t.TotalMilliseconds) : 0;
        await using var command = _source.CreateCommand(AppendSql);
        command.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        command.Parameters.Add(new NpgsqlParameter("position", NpgsqlDbType.Bigint) { Value = position });
        command.Parameters.Add(new NpgsqlParameter("entry", NpgsqlDbType.Bytea) { Value = entry });
        command.Parameters.Add(new NpgsqlParameter("ttl_ms", NpgsqlDbType.Bigint) { Value = ttl });
        return (int)(await command.ExecuteScalarAsync())! == 1;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<byte[]> ReadAsync(string detector, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await SweepAsync(detector, cancel);
        for (long start = 0; ; start += ReadChunk)
        {
            var chunk = new List<byte[]>(ReadChunk);
            await using (var command = _source.CreateCommand(
                "SELECT Entry FROM DetectorLog WHERE Detector = @detector AND Position >= @from AND Position < @to ORDER BY Position"))
            {
                command.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
                command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Bigint) { Value = start });
                command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Bigint) { Value = start + ReadChunk });
                await using var reader = await command.ExecuteReaderAsync(cancel);
                while (await reader.ReadAsync(cancel)) chunk.Add(reader.GetFieldValue<byte[]>(0));
            }
            foreach (var entry in chunk) yield return entry;
            if (chunk.Count < ReadChunk) yield break;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string detector)
    {
        await using var command = _source.CreateCommand(
            "DELETE FROM DetectorLog WHERE Detector = @detector; DELETE FROM DetectorLogExpiry WHERE Detector = @detector");
        command.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = detector });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes every log whose expiry has passed.</summary>
    /// <returns>The number of entries deleted.</returns>
    public Task<int> SweepExpiredAsync(CancellationToken cancel = default) => SweepAsync(null, cancel);

    private async Task<int> SweepAsync(string? detector, CancellationToken cancel)
    {
        await using var command = _source.CreateCommand(SweepSql);
        command.Parameters.Add(new NpgsqlParameter("detector", NpgsqlDbType.Text) { Value = (object?)detector ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancel);
    }
}
