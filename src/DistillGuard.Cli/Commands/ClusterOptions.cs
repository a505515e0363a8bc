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

    /// <summary>Whether any of these options was given on the command line.</summary>
    public bool AnyGiven(System.CommandLine.Parsing.CommandResult result) =>
        result.GetValue(_redis) is not null || result.GetValue(_postgres) is not null || result.GetValue(_clusterId) is not null
        || result.GetValue(_tls) is not null || result.GetValue(_fast);

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
