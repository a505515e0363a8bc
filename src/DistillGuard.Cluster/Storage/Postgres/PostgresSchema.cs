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
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public static string WithSearchPath(string connectionString, string schema = DefaultSchemaName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return builder.ConnectionString;
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
    /// Creates the schema and its tables if missing and brings the stored queries up to date, in one transaction under
    /// an advisory lock (several silos may start at once).
    /// </summary>
    /// <param name="connectionString">Npgsql connection string (without a search path; the schema is named separately).</param>
    /// <param name="schema">The PostgreSQL schema to use.</param>
    /// <param name="cancel">Stops waiting.</param>
    /// <exception cref="NpgsqlException">The server cannot be reached, or refuses the login or the statements.</exception>
    public static async Task EnsureAsync(string connectionString, string schema = DefaultSchemaName, CancellationToken cancel = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, tx))
            await lockCommand.ExecuteNonQueryAsync(cancel);
        string quoted = "\"" + schema.Replace("\"", "\"\"") + "\"";
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {quoted}; SET LOCAL search_path = {quoted};", connection, tx))
            await create.ExecuteNonQueryAsync(cancel);
        await using (var script = new NpgsqlCommand(Script(), connection, tx))
            await script.ExecuteNonQueryAsync(cancel);
        await tx.CommitAsync(cancel);
    }
}
