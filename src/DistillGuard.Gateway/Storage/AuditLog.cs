using System.Text.Json;

namespace DistillGuard.Gateway.Storage;

/// <summary>
/// The audit trail of enforcement decisions: a row in the state database (queried by the admin API) and a line in
/// <c>audit.jsonl</c> (for log shippers), both written before the client gets its answer.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly GatewayStore _store;
    private readonly StreamWriter _file;
    private readonly Lock _lock = new();

    /// <summary>Opens <c>audit.jsonl</c> in <paramref name="directory"/> for appending.</summary>
    public AuditLog(GatewayStore store, string directory)
    {
        _store = store;
        Path = System.IO.Path.Combine(directory, "audit.jsonl");
        _file = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>The JSON Lines file.</summary>
    public string Path { get; }

    /// <summary>Records one decision.</summary>
    public void Record(AuditEntry e)
    {
        _store.Audit(e);
        var line = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["time"] = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs).ToString("O"),
            ["account_id"] = e.AccountId, ["action"] = e.Action, ["rule"] = e.Rule, ["reason_codes"] = e.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries),
            ["verdict"] = e.Verdict, ["risk"] = e.Risk, ["dry_run"] = e.DryRun, ["status"] = e.Status, ["request_id"] = e.RequestId,
        });
        lock (_lock) _file.WriteLine(line);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }
}
