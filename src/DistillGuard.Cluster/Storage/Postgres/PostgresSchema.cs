using System.Reflection;
using Npgsql;

namespace DistillGuard.Cluster.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema of the cluster store (<c>schema.sql</c> beside this file, embedded): Orleans membership tables
/// with DistillGuard's implementation of the queries Orleans' ADO.NET clustering runs, and the detector logs.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The PostgreSQL schema (namespace) that holds the tables unless configured otherwise.</summary>
    public const string DefaultSchemaName = "distillguard";

    /// <summary>
    /// Version of <c>schema.sql</c>, which records it in table <c>DistillGuardSchema</c> as its last statement; raise
    /// both together when the script changes, so that silos of the new release apply it once.
    /// </summary>
    public const int Version = 1;

    // pg_advisory_xact_lock key: "DGSCHEMA" as a 64-bit integer, so concurrent silo starts create the tables one at a time.
    private const long LockKey = 0x4447534348454D41;

    /// <summary>The script's text (idempotent; also what a DBA runs by hand).</summary>
    public static string Script()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("DistillGuard.Cluster.Postgres.schema.sql")
            ?? throw new InvalidOperationException("the embedded PostgreSQL schema is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// <paramref name="connectionString"/> with <paramref name="schema"/> first on its search path, so that Orleans'
    /// unqualified queries and the detector logs find the tables.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed, or the schema name is not a plain lower-case identifier.</exception>
    public static string WithSearchPath(string connectionString, string schema = DefaultSchemaName)
    {
        CheckName(schema);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return builder.ConnectionString;
    }

    /// <summary>
    /// Schema names are plain lower-case identifiers, so that the name in the DDL, the search path and psql all mean
    /// the same schema without quoting.
    /// </summary>
    private static void CheckName(string schema)
    {
        bool plain = schema.Length is > 0 and <= 63 && (schema[0] is >= 'a' and <= 'z' or '_')
            && schema.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');
        if (!plain) throw new ArgumentException($"PostgreSQL schema name '{schema}': expected a lower-case identifier (a-z, 0-9, _)", nameof(schema));
    }

    /// <summary>The connection string without its password, for messages.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            string? database = b.Database ?? b.Username;
            return string.IsNullOrEmpty(database) ? $"{b.Host}:{b.Port}" : $"{b.Host}:{b.Port}/{database}";
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }

    /// <summary>
    /// Creates the schema and its tables if missing and brings the stored queries up to date — unless the database
    /// already holds this release's <see cref="Version"/>, in which case it only reads that (no DDL, no locks, no rights
    /// beyond reading the table). The script runs in one transaction under an advisory lock (several silos may start
    /// at once).
    /// </summary>
    /// <param name="connectionString">Npgsql connection string (without a search path; the schema is named separately).</param>
    /// <param name="schema">The PostgreSQL schema to use (a lower-case identifier).</param>
    /// <param name="cancel">Stops waiting.</param>
    /// <returns>True if the script ran, false if the schema was current.</returns>
    /// <exception cref="NpgsqlException">The server cannot be reached, or refuses the login or the statements.</exception>
    /// <exception cref="ArgumentException">The schema name is not a plain lower-case identifier.</exception>
    public static async Task<bool> EnsureAsync(string connectionString, string schema = DefaultSchemaName, CancellationToken cancel = default)
    {
        CheckName(schema);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancel);
        if (await InstalledVersionAsync(connection, schema, cancel) >= Version) return false;
        await using var tx = await connection.BeginTransactionAsync(cancel);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, tx))
            await lockCommand.ExecuteNonQueryAsync(cancel);
        // Another silo may have run it while this one waited for the lock.
        if (await InstalledVersionAsync(connection, schema, cancel) >= Version) return false;
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schema}; SET LOCAL search_path = {schema};", connection, tx))
            await create.ExecuteNonQueryAsync(cancel);
        await using (var script = new NpgsqlCommand(Script(), connection, tx))
            await script.ExecuteNonQueryAsync(cancel);
        await tx.CommitAsync(cancel);
        return true;
    }

    /// <summary>The version recorded in the schema, or 0 if the schema or its version table does not exist yet.</summary>
    private static async Task<int> InstalledVersionAsync(NpgsqlConnection connection, string schema, CancellationToken cancel)
    {
        // pg_tables reads the catalog under the statement's snapshot (to_regclass may answer from a cache that has not
        // yet seen a table another silo created while this one waited for the lock).
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = @schema AND tablename = 'distillguardschema')", connection);
        command.Parameters.AddWithValue("schema", schema);
        if (!(bool)(await command.ExecuteScalarAsync(cancel))!) return 0;
        await using var read = new NpgsqlCommand($"SELECT coalesce(max(Version), 0) FROM {schema}.DistillGuardSchema", connection);
        return (int)(await read.ExecuteScalarAsync(cancel))!;
    }
}
