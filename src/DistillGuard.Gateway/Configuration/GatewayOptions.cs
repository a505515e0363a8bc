using DistillGuard.Gateway.Policy;

namespace DistillGuard.Gateway.Configuration;

/// <summary>
/// Everything the gateway is configured with: the <c>Gateway</c> section of <c>appsettings.json</c> (or the file given
/// to <c>serve --config</c>), overridden by environment variables <c>DISTILLGUARD_Gateway__Name</c> (for example
/// <c>DISTILLGUARD_Gateway__Upstream</c>). Validated at start (<see cref="GatewayOptionsValidator"/>); the JSON schema is
/// <c>gateway.schema.json</c>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway";

    /// <summary>Base address of the provider API the gateway forwards to, for example <c>https://api.openai.com</c>.</summary>
    public string Upstream { get; set; } = "";

    /// <summary>Address the gateway listens on (default loopback only).</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Folder for the exchange log, the state database and the audit log.</summary>
    public string DataDirectory { get; set; } = "distillguard-data";

    /// <summary>How requests are tied to accounts.</summary>
    public IdentityOptions Identity { get; set; } = new();

    /// <summary>What is kept of each exchange.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>What is done to accounts by verdict, score and lists.</summary>
    public PolicyOptions Policy { get; set; } = new();

    /// <summary>Run the detector on an Orleans cluster shared by every gateway node instead of in this process.</summary>
    public GatewayClusterOptions Cluster { get; set; } = new();

    /// <summary>
    /// When the detector cannot keep up (its queue is full) or has failed: <c>Open</c> forwards the request without
    /// detection (counted in metrics), <c>Closed</c> answers 503.
    /// </summary>
    public FailMode FailMode { get; set; } = FailMode.Open;

    /// <summary>Key required in the <c>X-Admin-Key</c> header of <c>/admin</c> calls; the admin API is off when empty.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>Largest request body accepted, in bytes (larger ones get 413).</summary>
    public long MaxRequestBytes { get; set; } = 8 << 20;

    /// <summary>Completed exchanges waiting for the detector before <see cref="FailMode"/> applies.</summary>
    public int EngineQueue { get; set; } = 10_000;

    /// <summary>Seconds between snapshots of account verdicts to the state database.</summary>
    public int SnapshotSeconds { get; set; } = 5;
}

/// <summary>Behaviour when the detector is overloaded or failing.</summary>
public enum FailMode
{
    /// <summary>Forward without detection.</summary>
    Open,
    /// <summary>Answer 503 Service Unavailable.</summary>
    Closed,
}

/// <summary>How the account behind a request is identified.</summary>
public sealed class IdentityOptions
{
    /// <summary><c>KeyMap</c>: the API key is looked up in <see cref="KeyMapFile"/>; <c>Header</c>: a trusted header set by the provider's auth layer.</summary>
    public IdentityMode Mode { get; set; } = IdentityMode.KeyMap;

    /// <summary>
    /// JSON Lines file of <c>{"key": "sk-…", "account_id": "…", "org_id": "…"}</c> or <c>{"key_sha256": "hex", …}</c>
    /// (hashes keep keys out of the file). Re-read when it changes.
    /// </summary>
    public string KeyMapFile { get; set; } = "keys.jsonl";

    /// <summary>Header carrying the account id in <c>Header</c> mode.</summary>
    public string AccountHeader { get; set; } = "X-Account-Id";

    /// <summary>Header carrying the organisation id in <c>Header</c> mode (optional).</summary>
    public string OrgHeader { get; set; } = "X-Org-Id";

    /// <summary>
    /// Header holding the client's address when the gateway sits behind a load balancer (for example
    /// <c>X-Forwarded-For</c>; its first address is used). Empty: the connection's address.
    /// </summary>
    public string ClientIpHeader { get; set; } = "";

    /// <summary>Strip the identity headers before forwarding (they are the provider's internal business).</summary>
    public bool StripHeaders { get; set; } = true;

    /// <summary>Answer 401 to requests whose account cannot be identified (else they are forwarded unmonitored and counted).</summary>
    public bool RequireAccount { get; set; } = true;
}

/// <summary>Identity modes.</summary>
public enum IdentityMode
{
    /// <summary>API key → account map file.</summary>
    KeyMap,
    /// <summary>Trusted header from an auth layer in front.</summary>
    Header,
}

/// <summary>What is kept of each exchange in the exchange log.</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// <c>Redacted</c> (default): request and response with e-mail addresses, URLs, IPs, long numbers and keys replaced;
    /// <c>Full</c>: as sent; <c>MetadataOnly</c>: no prompt or response text at all (detection state is then rebuilt
    /// after a restart from account snapshots only).
    /// </summary>
    public StorageMode Mode { get; set; } = StorageMode.Redacted;

    /// <summary>Journal size at which it is compressed into <c>exchanges-*.jsonl.gz</c>, in bytes.</summary>
    public long RotateBytes { get; set; } = 64L << 20;

    /// <summary>Also fsync every journal write (survives power loss, not just a killed process); slower.</summary>
    public bool SyncToDisk { get; set; }

    /// <summary>Replay the exchange log into the detector at start (rebuilds detection state).</summary>
    public bool ReplayOnStart { get; set; } = true;
}

/// <summary>Exchange log content modes.</summary>
public enum StorageMode
{
    /// <summary>Texts redacted.</summary>
    Redacted,
    /// <summary>Texts as sent.</summary>
    Full,
    /// <summary>No texts.</summary>
    MetadataOnly,
}

/// <summary>Cluster mode of the gateway (docs/cluster.md): the detector is a grain shared by any number of gateway nodes.</summary>
public sealed class GatewayClusterOptions
{
    /// <summary>Whether the detector runs on the cluster (default: in this process).</summary>
    public bool Enabled { get; set; }

    /// <summary>Redis for cluster membership (StackExchange.Redis configuration string); unused when <see cref="Postgres"/> is set.</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";

    /// <summary>
    /// PostgreSQL for cluster membership instead of Redis (Npgsql connection string), or empty for Redis; must match the
    /// silos' <c>--postgres</c>. Prefer the environment (DISTILLGUARD_POSTGRES) to keep the password out of the file.
    /// </summary>
    public string Postgres { get; set; } = "";

    /// <summary>Orleans cluster id of the silos.</summary>
    public string ClusterId { get; set; } = "distillguard";

    /// <summary>Name of the shared detector: gateway nodes with the same name share verdicts and campaigns.</summary>
    public string Detector { get; set; } = "gateway";

    /// <summary>Retry a call to a lost silo after 4 s instead of 15 s (tests and single-machine demos).</summary>
    public bool FastFailureDetection { get; set; }

    /// <summary>The cluster certificate (PFX with key) for mutual TLS with the silos, or empty for plain connections.</summary>
    public string TlsCertificateFile { get; set; } = "";

    /// <summary>Its password (prefer the environment variable DISTILLGUARD_TLS_PASSWORD or DISTILLGUARD_Gateway__Cluster__TlsCertificatePassword).</summary>
    public string? TlsCertificatePassword { get; set; }
}
