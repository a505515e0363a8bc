using DistillGuard.Core.Verdicts;
using DistillGuard.Gateway.Policy;
using Microsoft.Data.Sqlite;

namespace DistillGuard.Gateway.Storage;

/// <summary>An analyst's decision on an account: enforced ahead of the policy rules and kept as a label for tuning.</summary>
/// <param name="AccountId">Account.</param>
/// <param name="Action">Action enforced.</param>
/// <param name="Label"><c>attack</c> or <c>benign</c> (the analyst's judgement), or null.</param>
/// <param name="Reason">Why.</param>
/// <param name="Analyst">Who decided.</param>
/// <param name="CreatedMs">When (Unix ms).</param>
/// <param name="ExpiresMs">Until when (Unix ms), or null.</param>
public sealed record AnalystDecision(string AccountId, PolicyAction Action, string? Label, string Reason, string Analyst, long CreatedMs, long? ExpiresMs);

/// <summary>One enforcement decision as audited.</summary>
/// <param name="TimeMs">When (Unix ms).</param>
/// <param name="AccountId">Account.</param>
/// <param name="Action">Action taken (or, in dry-run mode, that would have been taken).</param>
/// <param name="Rule">Policy rule, list or decision that chose it.</param>
/// <param name="Reasons">The account's reason codes at the time.</param>
/// <param name="Verdict">The account's verdict at the time.</param>
/// <param name="Risk">Risk 0–100 at the time.</param>
/// <param name="DryRun">Whether it was only recorded.</param>
/// <param name="Status">HTTP status returned to the client.</param>
/// <param name="RequestId">Gateway request id.</param>
public sealed record AuditEntry(long TimeMs, string AccountId, string Action, string Rule, string Reasons, string Verdict, int Risk, bool DryRun, int Status, string RequestId);

/// <summary>
/// The gateway's durable state in SQLite (write-ahead log; a committed write survives a killed process): analyst
/// decisions, allow and deny lists, account verdict snapshots and the audit trail. Thread-safe (one connection, one lock).
/// </summary>
public sealed class GatewayStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();

    /// <summary>Opens (creating if needed) <c>state.db</c> in <paramref name="directory"/>.</summary>
    public GatewayStore(string directory)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, "state.db");
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS decisions (account_id TEXT PRIMARY KEY, action TEXT NOT NULL, label TEXT, reason TEXT NOT NULL,
                analyst TEXT NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER);
            CREATE TABLE IF NOT EXISTS lists (kind TEXT NOT NULL, account_id TEXT NOT NULL, reason TEXT NOT NULL, expires_ms INTEGER,
                created_ms INTEGER NOT NULL, PRIMARY KEY (kind, account_id));
            CREATE TABLE IF NOT EXISTS accounts (account_id TEXT PRIMARY KEY, verdict TEXT NOT NULL, risk INTEGER NOT NULL,
                reasons TEXT NOT NULL, campaign_id TEXT, updated_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, account_id TEXT NOT NULL,
                action TEXT NOT NULL, rule TEXT NOT NULL, reasons TEXT NOT NULL, verdict TEXT NOT NULL, risk INTEGER NOT NULL,
                dry_run INTEGER NOT NULL, status INTEGER NOT NULL, request_id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS audit_account ON audit (account_id, time_ms);
            """);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Stores (replaces) a decision.</summary>
    public void SetDecision(AnalystDecision d) => Write("""
        INSERT INTO decisions VALUES ($a, $action, $label, $reason, $analyst, $created, $expires)
        ON CONFLICT(account_id) DO UPDATE SET action = excluded.action, label = excluded.label, reason = excluded.reason,
            analyst = excluded.analyst, created_ms = excluded.created_ms, expires_ms = excluded.expires_ms
        """, ("$a", d.AccountId), ("$action", d.Action.ToString()), ("$label", d.Label), ("$reason", d.Reason), ("$analyst", d.Analyst),
        ("$created", d.CreatedMs), ("$expires", d.ExpiresMs));

    /// <summary>Removes an account's decision.</summary>
    /// <returns>Whether there was one.</returns>
    public bool RemoveDecision(string accountId) => Write("DELETE FROM decisions WHERE account_id = $a", ("$a", accountId)) > 0;

    /// <summary>Every stored decision.</summary>
    public List<AnalystDecision> Decisions() => Query("SELECT account_id, action, label, reason, analyst, created_ms, expires_ms FROM decisions ORDER BY account_id",
        r => new AnalystDecision(r.GetString(0), Enum.Parse<PolicyAction>(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4),
            r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6)));

    /// <summary>Adds or replaces a list entry (<paramref name="kind"/> is <c>allow</c> or <c>deny</c>).</summary>
    public void SetListEntry(string kind, ListEntry e, long nowMs) => Write("""
        INSERT INTO lists VALUES ($k, $a, $reason, $expires, $created)
        ON CONFLICT(kind, account_id) DO UPDATE SET reason = excluded.reason, expires_ms = excluded.expires_ms, created_ms = excluded.created_ms
        """, ("$k", kind), ("$a", e.AccountId), ("$reason", e.Reason), ("$expires", e.Expires?.ToUnixTimeMilliseconds()), ("$created", nowMs));

    /// <summary>Removes a list entry.</summary>
    /// <returns>Whether there was one.</returns>
    public bool RemoveListEntry(string kind, string accountId) => Write("DELETE FROM lists WHERE kind = $k AND account_id = $a", ("$k", kind), ("$a", accountId)) > 0;

    /// <summary>Entries of a list.</summary>
    public List<ListEntry> List(string kind) => Query("SELECT account_id, reason, expires_ms FROM lists WHERE kind = $k ORDER BY account_id",
        r => new ListEntry { AccountId = r.GetString(0), Reason = r.GetString(1), Expires = r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)) },
        ("$k", kind));

    /// <summary>Saves verdict snapshots (one transaction).</summary>
    public void SaveVerdicts(IEnumerable<AccountVerdict> verdicts)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO accounts VALUES ($a, $v, $r, $reasons, $c, $u)
                ON CONFLICT(account_id) DO UPDATE SET verdict = excluded.verdict, risk = excluded.risk, reasons = excluded.reasons,
                    campaign_id = excluded.campaign_id, updated_ms = excluded.updated_ms
                """;
            var pa = cmd.Parameters.Add("$a", SqliteType.Text);
            var pv = cmd.Parameters.Add("$v", SqliteType.Text);
            var pr = cmd.Parameters.Add("$r", SqliteType.Integer);
            var preasons = cmd.Parameters.Add("$reasons", SqliteType.Text);
            var pc = cmd.Parameters.Add("$c", SqliteType.Text);
            var pu = cmd.Parameters.Add("$u", SqliteType.Integer);
            foreach (var v in verdicts)
            {
                pa.Value = v.AccountId;
                pv.Value = v.Verdict;
                pr.Value = v.Risk;
                preasons.Value = string.Join(',', v.Reasons);
                pc.Value = (object?)v.CampaignId ?? DBNull.Value;
                pu.Value = v.UpdatedMs;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    /// <summary>Every saved verdict snapshot.</summary>
    public List<AccountVerdict> Verdicts() => Query("SELECT account_id, verdict, risk, reasons, campaign_id, updated_ms FROM accounts",
        r => new AccountVerdict(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
            r.IsDBNull(4) ? null : r.GetString(4), r.GetInt64(5)));

    /// <summary>Appends an audit entry.</summary>
    public void Audit(AuditEntry e) => Write("INSERT INTO audit (time_ms, account_id, action, rule, reasons, verdict, risk, dry_run, status, request_id) VALUES ($t, $a, $action, $rule, $reasons, $v, $r, $d, $s, $id)",
        ("$t", e.TimeMs), ("$a", e.AccountId), ("$action", e.Action), ("$rule", e.Rule), ("$reasons", e.Reasons), ("$v", e.Verdict), ("$r", e.Risk),
        ("$d", e.DryRun ? 1 : 0), ("$s", e.Status), ("$id", e.RequestId));

    /// <summary>The latest audit entries, newest first, optionally of one account.</summary>
    public List<AuditEntry> AuditTrail(string? accountId, int limit) => Query(
        "SELECT time_ms, account_id, action, rule, reasons, verdict, risk, dry_run, status, request_id FROM audit " +
        (accountId is null ? "" : "WHERE account_id = $a ") + "ORDER BY id DESC LIMIT $n",
        r => new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetInt32(7) != 0, r.GetInt32(8), r.GetString(9)),
        ("$a", accountId), ("$n", limit));

    /// <summary>Number of audit entries.</summary>
    public long AuditCount() => Query("SELECT COUNT(*) FROM audit", r => r.GetInt64(0))[0];

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private int Write(string sql, params (string Name, object? Value)[] args)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
            return cmd.ExecuteNonQuery();
        }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
            using var r = cmd.ExecuteReader();
            var list = new List<T>();
            while (r.Read()) list.Add(map(r));
            return list;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }
}
