using DistillGuard.Gateway.Policy;

namespace DistillGuard.Gateway.Configuration;

/// <summary>Checks <see cref="GatewayOptions"/> at start; every problem is reported as <c>Gateway:Path: what was expected (found …)</c>.</summary>
public static class GatewayOptionsValidator
{
    private static readonly string[] Verdicts = ["", "benign", "suspicious", "attack"];

    /// <summary>The problems found (empty when the options are valid).</summary>
    public static List<string> Validate(GatewayOptions o)
    {
        var errors = new List<string>();
        void Expect(bool ok, string path, string expected, object? found)
        {
            if (!ok) errors.Add($"{GatewayOptions.Section}:{path}: {expected} (found {(found is null or "" ? "nothing" : $"\"{found}\"")})");
        }

        Expect(Uri.TryCreate(o.Upstream, UriKind.Absolute, out var up) && up.Scheme is "http" or "https", "Upstream", "an absolute http or https URL of the provider API", o.Upstream);
        Expect(Uri.TryCreate(o.Listen, UriKind.Absolute, out var listen) && listen.Scheme is "http" or "https", "Listen", "an absolute http or https URL such as http://127.0.0.1:8080", o.Listen);
        Expect(!string.IsNullOrWhiteSpace(o.DataDirectory), "DataDirectory", "a folder path", o.DataDirectory);
        Expect(o.MaxRequestBytes > 0, "MaxRequestBytes", "a positive number of bytes", o.MaxRequestBytes);
        Expect(o.EngineQueue > 0, "EngineQueue", "a positive number of exchanges", o.EngineQueue);
        Expect(o.SnapshotSeconds > 0, "SnapshotSeconds", "a positive number of seconds", o.SnapshotSeconds);
        Expect(o.AdminKey.Length is 0 or >= 16, "AdminKey", "empty (admin API off) or at least 16 characters", o.AdminKey.Length == 0 ? "" : $"{o.AdminKey.Length} characters");
        if (o.Identity.Mode == IdentityMode.KeyMap)
            Expect(File.Exists(o.Identity.KeyMapFile), "Identity:KeyMapFile", "an existing JSON Lines file of {\"key\" or \"key_sha256\", \"account_id\"}", o.Identity.KeyMapFile);
        else
            Expect(!string.IsNullOrWhiteSpace(o.Identity.AccountHeader), "Identity:AccountHeader", "a header name", o.Identity.AccountHeader);
        if (o.Cluster.Enabled)
        {
            if (string.IsNullOrEmpty(o.Cluster.Postgres))
                Expect(!string.IsNullOrWhiteSpace(o.Cluster.Redis), "Cluster:Redis", "a Redis configuration string such as 127.0.0.1:6379", o.Cluster.Redis);
            else
                Expect(IsConnectionString(o.Cluster.Postgres), "Cluster:Postgres", "an Npgsql connection string such as Host=127.0.0.1;Port=5432;Database=distillguard;Username=dg",
                    Cluster.Storage.Postgres.PostgresSchema.Describe(o.Cluster.Postgres));
            Expect(!string.IsNullOrWhiteSpace(o.Cluster.Detector), "Cluster:Detector", "a detector name", o.Cluster.Detector);
            if (!string.IsNullOrEmpty(o.Cluster.TlsCertificateFile))
                Expect(Cluster.Hosting.ClusterTls.Check(o.Cluster.TlsCertificateFile, o.Cluster.TlsCertificatePassword) is null, "Cluster:TlsCertificateFile",
                    "a readable PFX file with its private key (and the right DISTILLGUARD_TLS_PASSWORD)", o.Cluster.TlsCertificateFile);
        }
        Expect(o.Storage.RotateBytes >= 1 << 16, "Storage:RotateBytes", "at least 65536 bytes", o.Storage.RotateBytes);

        for (int i = 0; i < o.Policy.Rules.Count; i++)
        {
            var r = o.Policy.Rules[i];
            string at = $"Policy:Rules:{i}";
            Expect(Verdicts.Contains(r.Verdict), at + ":Verdict", "benign, suspicious, attack or empty", r.Verdict);
            Expect(r.MinRisk is >= 0 and <= 100 && r.MaxRisk is >= 0 and <= 100 && r.MinRisk <= r.MaxRisk, at + ":MinRisk/MaxRisk", "0 ≤ MinRisk ≤ MaxRisk ≤ 100", $"{r.MinRisk}–{r.MaxRisk}");
            Expect(r.Action != PolicyAction.Throttle || r.RequestsPerMinute > 0, at + ":RequestsPerMinute", "a positive number for a throttle rule", r.RequestsPerMinute);
            Expect(r.TokensPerMinute >= 0, at + ":TokensPerMinute", "0 (unlimited) or a positive number", r.TokensPerMinute);
        }
        foreach (var (list, name) in new[] { (o.Policy.AllowList, "AllowList"), (o.Policy.DenyList, "DenyList") })
            for (int i = 0; i < list.Count; i++)
                Expect(!string.IsNullOrWhiteSpace(list[i].AccountId), $"Policy:{name}:{i}:AccountId", "an account id", list[i].AccountId);
        return errors;
    }

    private static bool IsConnectionString(string value)
    {
        try
        {
            return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(value).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
