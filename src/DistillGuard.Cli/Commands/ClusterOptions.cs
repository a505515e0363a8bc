using System.CommandLine;
using DistillGuard.Cluster.Hosting;

namespace DistillGuard.Cli.Commands;

/// <summary>The options that say how to reach the cluster, shared by <c>silo</c> and <c>scan --cluster</c>.</summary>
internal sealed class ClusterOptions
{
    private readonly Option<string?> _redis = new("--redis")
    {
        Description = $"Redis for cluster membership and detector logs (StackExchange.Redis syntax); default ${ClusterSettings.RedisVariable}, else 127.0.0.1:6379",
    };

    private readonly Option<string?> _postgres = new("--postgres")
    {
        Description = $"Use PostgreSQL instead of Redis for membership and detector logs: an Npgsql connection string (Host=…;Database=…;Username=…). " +
                      $"Default ${ClusterSettings.PostgresVariable}; put the password there or in PGPASSWORD, not on the command line",
    };

    private readonly Option<string?> _clusterId = new("--cluster-id")
    {
        Description = $"Cluster id shared by silos and clients; default ${ClusterSettings.ClusterIdVariable}, else distillguard",
    };

    private readonly Option<string?> _tls = new("--tls-cert")
    {
        Description = $"Cluster certificate (PFX with key) for mutual TLS; every silo and client must use the same one. Default ${ClusterSettings.TlsCertificateVariable}; password from ${ClusterSettings.TlsPasswordVariable}",
    };

    private readonly Option<bool> _fast = new("--fast-failure-detection")
    {
        Description = "Declare a silo dead after ~2 s of missed probes instead of Orleans' default (tests and single-machine demos only)",
    };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_redis);
        command.Options.Add(_postgres);
        command.Options.Add(_clusterId);
        command.Options.Add(_tls);
        command.Options.Add(_fast);
    }

    /// <summary>Applies the options given on the command line (or in the environment) to the gateway's cluster options.</summary>
    public void ApplyTo(ParseResult result, DistillGuard.Gateway.Configuration.GatewayClusterOptions o)
    {
        o.Enabled = true;
        if ((result.GetValue(_redis) ?? Environment.GetEnvironmentVariable(ClusterSettings.RedisVariable)) is { Length: > 0 } redis) o.Redis = redis;
        if (result.GetValue(_redis) is not null) o.Postgres = "";  // --redis on the command line wins over a PostgreSQL store from elsewhere
        if ((result.GetValue(_postgres) ?? (result.GetValue(_redis) is null ? Environment.GetEnvironmentVariable(ClusterSettings.PostgresVariable) : null)) is { Length: > 0 } postgres)
            o.Postgres = postgres;
        if ((result.GetValue(_clusterId) ?? Environment.GetEnvironmentVariable(ClusterSettings.ClusterIdVariable)) is { Length: > 0 } id) o.ClusterId = id;
        if (result.GetValue(_fast)) o.FastFailureDetection = true;
        if ((result.GetValue(_tls) ?? Environment.GetEnvironmentVariable(ClusterSettings.TlsCertificateVariable)) is { Length: > 0 } tls) o.TlsCertificateFile = tls;
        if (Environment.GetEnvironmentVariable(ClusterSettings.TlsPasswordVariable) is { } password) o.TlsCertificatePassword = password;
    }

    /// <summary>A usage error in the options (both stores named on the command line), or null.</summary>
    public string? Problem(ParseResult result) =>
        result.GetValue(_redis) is not null && result.GetValue(_postgres) is not null
            ? "--redis and --postgres: give one store; the cluster keeps membership and detector logs in one place"
            : null;

    /// <summary>The settings given on the command line, over the environment, over the defaults.</summary>
    public ClusterSettings Read(ParseResult result)
    {
        var s = ClusterSettings.FromEnvironment();
        return s with
        {
            Redis = result.GetValue(_redis) ?? s.Redis,
            // --redis on the command line wins over DISTILLGUARD_POSTGRES in the environment.
            Postgres = result.GetValue(_postgres) ?? (result.GetValue(_redis) is null ? s.Postgres : null),
            ClusterId = result.GetValue(_clusterId) ?? s.ClusterId,
            FastFailureDetection = result.GetValue(_fast),
            TlsCertificateFile = result.GetValue(_tls) ?? s.TlsCertificateFile,
        };
    }
}
