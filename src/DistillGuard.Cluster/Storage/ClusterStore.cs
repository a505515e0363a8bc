using DistillGuard.Cluster.Hosting;
using DistillGuard.Cluster.Storage.Postgres;

namespace DistillGuard.Cluster.Storage;

/// <summary>
/// The store that holds the cluster's membership and the detectors' logs: Redis (default) or PostgreSQL
/// (<see cref="ClusterSettings.Postgres"/>).
/// </summary>
public static class ClusterStore
{
    /// <summary>
    /// Makes the store ready before a silo or client starts: for PostgreSQL, creates the schema and tables if missing
    /// and brings the membership queries up to date (<see cref="PostgresSchema.EnsureAsync"/>); nothing for Redis.
    /// </summary>
    /// <exception cref="Npgsql.NpgsqlException">PostgreSQL cannot be reached or refuses the login or the statements.</exception>
    /// <exception cref="ArgumentException">The PostgreSQL connection string cannot be parsed.</exception>
    public static Task PrepareAsync(ClusterSettings settings, CancellationToken cancel = default) =>
        settings.UsesPostgres ? PostgresSchema.EnsureAsync(settings.Postgres!, settings.ServiceId, cancel) : Task.CompletedTask;

    /// <summary>The connection string the cluster uses for PostgreSQL: the configured one with the store's schema on its search path.</summary>
    public static string PostgresConnectionString(ClusterSettings settings) =>
        PostgresSchema.WithSearchPath(settings.Postgres ?? throw new InvalidOperationException("no PostgreSQL connection string configured"), settings.ServiceId);
}
