namespace DistillGuard.Cluster.Hosting;

/// <summary>
/// How silos and clients find the cluster and its storage. Every value can come from the command line or the
/// environment (the <c>*Variable</c> names below; the CLI reads them); the defaults suit one machine.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>Environment variable for <see cref="Redis"/>.</summary>
    public const string RedisVariable = "DISTILLGUARD_REDIS";

    /// <summary>Environment variable for <see cref="TlsCertificateFile"/>.</summary>
    public const string TlsCertificateVariable = "DISTILLGUARD_TLS_CERT";

    /// <summary>Environment variable for <see cref="TlsCertificatePassword"/> (keep the password out of command lines).</summary>
    public const string TlsPasswordVariable = "DISTILLGUARD_TLS_PASSWORD";

    /// <summary>Environment variable for <see cref="Postgres"/>.</summary>
    public const string PostgresVariable = "DISTILLGUARD_POSTGRES";

    /// <summary>Environment variable for <see cref="ClusterId"/>.</summary>
    public const string ClusterIdVariable = "DISTILLGUARD_CLUSTER_ID";

    /// <summary>
    /// StackExchange.Redis configuration string for membership (Orleans Redis clustering) and the detector logs,
    /// e.g. <c>127.0.0.1:6379</c> or <c>redis-1:6379,redis-2:6379,password=…,ssl=true</c>.
    /// </summary>
    public string Redis { get; init; } = "127.0.0.1:6379";

    /// <summary>
    /// Npgsql connection string of a PostgreSQL database to use instead of Redis for membership (Orleans ADO.NET
    /// clustering) and the detector logs, e.g. <c>Host=db;Port=5432;Database=distillguard;Username=dg;Password=…</c>; or
    /// null for Redis. The tables live in the PostgreSQL schema named <see cref="ServiceId"/>, created at silo start.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>Orleans cluster id: silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "distillguard";

    /// <summary>Orleans service id; also the prefix of the detector logs' Redis keys, or the PostgreSQL schema of the store.</summary>
    public string ServiceId { get; init; } = "distillguard";

    /// <summary>
    /// Detect a dead silo in about two seconds instead of Orleans' default (tens of seconds): for tests and demos on
    /// one machine, where a missed probe means the process is gone, not a slow network.
    /// </summary>
    public bool FastFailureDetection { get; init; }

    /// <summary>
    /// The cluster certificate (PFX with its private key) for mutual TLS between silos and clients, or null for plain
    /// connections; see <see cref="ClusterTls"/>.
    /// </summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>Password of <see cref="TlsCertificateFile"/>, or null.</summary>
    public string? TlsCertificatePassword { get; init; }

    /// <summary>Whether membership and detector logs are in PostgreSQL (<see cref="Postgres"/> set) rather than Redis.</summary>
    public bool UsesPostgres => !string.IsNullOrEmpty(Postgres);

    /// <summary>Where the cluster keeps membership and logs, for messages (no password): <c>Redis host:port</c> or <c>PostgreSQL host:port/database</c>.</summary>
    public string DescribeStore() => UsesPostgres ? $"PostgreSQL {Storage.Postgres.PostgresSchema.Describe(Postgres!)}" : $"Redis {DescribeRedis(Redis)}";

    private static string DescribeRedis(string configuration)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(configuration).ToString(includePassword: false);
        }
        catch (ArgumentException)
        {
            return "(unparsable configuration)";
        }
    }
}
