using System.CommandLine;
using DistillGuard.Cluster.Hosting;

namespace DistillGuard.Cli.Commands;

/// <summary>The options that say how to reach the cluster, shared by <c>silo</c>, <c>scan --cluster</c> and <c>serve --cluster</c>.</summary>
internal sealed class ClusterOptions
{
    private readonly Option<string?> _redis;
    private readonly Option<string?> _postgres;
    private readonly Option<string?> _clusterId;
    private readonly Option<string?> _tls;
    private readonly Option<bool> _fast;

    /// <param name="client">True for <c>scan</c> and <c>serve</c>, where the options apply only with <c>--cluster</c> and
    /// <c>--fast-failure-detection</c> shortens the client's waits; false for <c>silo</c>.</param>
    public ClusterOptions(bool client)
    {
        string with = client ? "(with --cluster) " : "";
        _redis = new("--redis")
        {
            Description = with + $"Redis for cluster membership and detector logs (StackExchange.Redis syntax; keep a password in ${ClusterSettings.RedisVariable}); " +
                          $"default ${ClusterSettings.RedisVariable}, else 127.0.0.1:6379, unless a PostgreSQL store is given (--postgres or ${ClusterSettings.PostgresVariable})",
        };
        _postgres = new("--postgres")
        {
            Description = with + "Use PostgreSQL instead of Redis for membership and detector logs: an Npgsql connection string (Host=…;Database=…;Username=…). " +
                          $"Default ${ClusterSettings.PostgresVariable}; put the password there or in PGPASSWORD, not on the command line. --redis on the command line overrides ${ClusterSettings.PostgresVariable}",
        };
        _clusterId = new("--cluster-id")
        {
            Description = with + $"Cluster id shared by silos and clients; default ${ClusterSettings.ClusterIdVariable}, else distillguard",
        };
        _tls = new("--tls-cert")
        {
            Description = with + $"Cluster certificate (PFX with key) for mutual TLS; every silo and client must use the same one. Default ${ClusterSettings.TlsCertificateVariable}; password from ${ClusterSettings.TlsPasswordVariable}",
        };
        _fast = new("--fast-failure-detection")
        {
            Description = client
                ? with + "Give up on a call to a lost silo after 4 s instead of 15 s and refresh the silo list every second (pair with silos started with the same flag; tests and single-machine demos only)"
                : "Declare a silo dead after ~2 s of missed probes instead of Orleans' default (tests and single-machine demos only)",
        };
    }

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_redis);
        command.Options.Add(_postgres);
        command.Options.Add(_clusterId);
        command.Options.Add(_tls);
        command.Options.Add(_fast);
        // One store per cluster: both named on the command line is a usage error, reported like any parse error.
        command.Validators.Add(result =>
        {
            if (result.GetValue(_redis) is not null && result.GetValue(_postgres) is not null)
                result.AddError("--redis and --postgres: give one store; the cluster keeps membership and detector logs in one place");
        });
    }

    /// <summary>
    /// The values given on the command line, else in the environment (<c>DISTILLGUARD_*</c>); null where neither gives
    /// one. The one place the cluster's environment variables are read.
    /// </summary>
    private (string? Redis, string? Postgres, string? ClusterId, string? TlsFile, string? TlsPassword, bool Fast) Given(ParseResult result)
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        string? redis = result.GetValue(_redis);
        return (redis ?? Env(ClusterSettings.RedisVariable),
            // --redis on the command line wins over DISTILLGUARD_POSTGRES in the environment.
            result.GetValue(_postgres) ?? (redis is null ? Env(ClusterSettings.PostgresVariable) : null),
            result.GetValue(_clusterId) ?? Env(ClusterSettings.ClusterIdVariable),
            result.GetValue(_tls) ?? Env(ClusterSettings.TlsCertificateVariable),
            Environment.GetEnvironmentVariable(ClusterSettings.TlsPasswordVariable),
            result.GetValue(_fast));
    }

    /// <summary>
    /// Applies the values given on the command line or in the environment to the gateway's cluster options, keeping
    /// the configuration file's values for the rest.
    /// </summary>
    public void ApplyTo(ParseResult result, DistillGuard.Gateway.Configuration.GatewayClusterOptions o)
    {
        var g = Given(result);
        o.Enabled = true;
        if (g.Redis is not null) o.Redis = g.Redis;
        if (g.Postgres is not null) o.Postgres = g.Postgres;
        else if (result.GetValue(_redis) is not null) o.Postgres = "";  // --redis on the command line wins over a PostgreSQL store from the file
        if (g.ClusterId is not null) o.ClusterId = g.ClusterId;
        if (g.Fast) o.FastFailureDetection = true;
        if (g.TlsFile is not null) o.TlsCertificateFile = g.TlsFile;
        if (g.TlsPassword is not null) o.TlsCertificatePassword = g.TlsPassword;
    }

    /// <summary>Whether any of these options was given on the command line.</summary>
    public bool AnyGiven(System.CommandLine.Parsing.CommandResult result) =>
        result.GetValue(_redis) is not null || result.GetValue(_postgres) is not null || result.GetValue(_clusterId) is not null
        || result.GetValue(_tls) is not null || result.GetValue(_fast);

    /// <summary>The settings given on the command line, over the environment, over the defaults.</summary>
    public ClusterSettings Read(ParseResult result)
    {
        var g = Given(result);
        var d = new ClusterSettings();
        return d with
        {
            Redis = g.Redis ?? d.Redis,
            Postgres = g.Postgres,
            ClusterId = g.ClusterId ?? d.ClusterId,
            FastFailureDetection = g.Fast,
            TlsCertificateFile = g.TlsFile,
            TlsCertificatePassword = g.TlsPassword,
        };
    }
}
