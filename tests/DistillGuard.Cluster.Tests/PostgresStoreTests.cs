using DistillGuard.Cluster.Log;
using DistillGuard.Cluster.Storage.Postgres;
using Npgsql;

namespace DistillGuard.Cluster.Tests;

/// <summary>
/// The PostgreSQL cluster store against a real server: the schema script, the detector log's conditional append,
/// replay, deletion and expiry, and the membership queries' contract with Orleans (a change with a stale table version
/// changes nothing). The whole cluster on PostgreSQL, with a silo killed midway, runs in <c>.ci/cluster-postgres</c>.
/// </summary>
public sealed class PostgresStoreTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    /// <summary>Connections to a schema of the test's own, created by the schema script.</summary>
    private async Task<NpgsqlDataSource> FreshSchemaAsync()
    {
        string connection = server.Require();
        string schema = "dg_test_" + Guid.NewGuid().ToString("N")[..12];
        await PostgresSchema.EnsureAsync(connection, schema, TestContext.Current.CancellationToken);
        return NpgsqlDataSource.Create(PostgresSchema.WithSearchPath(connection, schema));
    }

    private static byte[] Entry(int i) => [(byte)i, (byte)(i >> 8), 0xDB];

    [Fact]
    public async Task The_schema_script_can_run_again_and_from_several_silos_at_once()
    {
        string connection = server.Require();
        string schema = "dg_test_" + Guid.NewGuid().ToString("N")[..12];
        var ran = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresSchema.EnsureAsync(connection, schema, TestContext.Current.CancellationToken)));
        Assert.Equal(1, ran.Count(r => r));  // one silo creates; the others find it current
        await using var source = NpgsqlDataSource.Create(PostgresSchema.WithSearchPath(connection, schema));
        // The script records the version the code expects, and running it again by hand (a DBA) changes nothing.
        await using (var again = source.CreateCommand(PostgresSchema.Script()))
            await again.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await using (var version = source.CreateCommand("SELECT Version FROM DistillGuardSchema"))
            Assert.Equal(PostgresSchema.Version, (int)(await version.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        await using var command = source.CreateCommand("SELECT string_agg(QueryKey, ',' ORDER BY QueryKey) FROM OrleansQuery");
        Assert.Equal("CleanupDefunctSiloEntriesKey,DeleteMembershipTableEntriesKey,GatewaysQueryKey,InsertMembershipKey,InsertMembershipVersionKey," +
                     "MembershipReadAllKey,MembershipReadRowKey,UpdateIAmAlivetimeKey,UpdateMembershipKey",
            (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_log_appends_only_at_its_length_and_replays_in_order()
    {
        await using var source = await FreshSchemaAsync();
        var log = new PostgresDetectorLog(source);
        // 70 entries: more than two replay chunks of 32.
        for (int i = 0; i < 70; i++) Assert.True(await log.AppendAsync("d1", i, Entry(i)));
        Assert.False(await log.AppendAsync("d1", 69, Entry(999)));  // the position is taken
        Assert.False(await log.AppendAsync("d1", 71, Entry(999)));  // a gap
        Assert.False(await log.AppendAsync("d2", 1, Entry(999)));   // a gap in an empty log
        Assert.True(await log.AppendAsync("d2", 0, Entry(500)));

        var replayed = new List<byte[]>();
        await foreach (var e in log.ReadAsync("d1", TestContext.Current.CancellationToken)) replayed.Add(e);
        Assert.Equal(Enumerable.Range(0, 70).Select(Entry), replayed);

        await log.DeleteAsync("d1");
        Assert.Empty(await ReadAllAsync(log, "d1"));
        Assert.Equal([Entry(500)], await ReadAllAsync(log, "d2"));
        Assert.True(await log.AppendAsync("d1", 0, Entry(1)));
    }

    [Fact]
    public async Task Two_writers_at_one_position_cannot_both_succeed()
    {
        await using var source = await FreshSchemaAsync();
        var log = new PostgresDetectorLog(source);
        for (int round = 0; round < 20; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => log.AppendAsync("race", round, Entry(w))));
            Assert.Equal(1, results.Count(r => r));
        }
        Assert.Equal(20, (await ReadAllAsync(log, "race")).Count);
    }

    [Fact]
    public async Task A_scan_log_expires_after_its_last_append_and_a_fleet_log_does_not()
    {
        await using var source = await FreshSchemaAsync();
        var log = new PostgresDetectorLog(source);
        Assert.True(await log.AppendAsync("scan", 0, Entry(0), TimeSpan.FromSeconds(3)));
        Assert.True(await log.AppendAsync("scan", 1, Entry(1), TimeSpan.FromSeconds(3)));
        Assert.True(await log.AppendAsync("fleet", 0, Entry(7)));
        Assert.Equal(2, (await ReadAllAsync(log, "scan")).Count);  // not yet expired

        await Task.Delay(3500, TestContext.Current.CancellationToken);
        Assert.Equal(2, await log.SweepExpiredAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await ReadAllAsync(log, "scan"));
        Assert.Equal([Entry(7)], await ReadAllAsync(log, "fleet"));

        // Reading an expired log sweeps it first, without waiting for the silo's sweeper.
        Assert.True(await log.AppendAsync("scan2", 0, Entry(0), TimeSpan.FromMilliseconds(1)));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Empty(await ReadAllAsync(log, "scan2"));
        Assert.Equal(0, await log.SweepExpiredAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Membership_changes_with_a_stale_version_change_nothing()
    {
        await using var source = await FreshSchemaAsync();
        var queries = new Dictionary<string, string>();
        await using (var read = source.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery"))
        await using (var reader = await read.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) queries[reader.GetString(0)] = reader.GetString(1);

        async Task<int> Run(string key, params (string Name, object? Value)[] parameters)
        {
            await using var command = source.CreateCommand(queries[key]);
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            return Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
        var now = DateTime.UtcNow;
        (string, object?)[] Silo(int port, int status, int version) =>
        [
            ("DeploymentId", "c1"), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 7), ("SiloName", $"s{port}"), ("HostName", "h"),
            ("Status", status), ("ProxyPort", port + 1000), ("SuspectTimes", null), ("StartTime", now), ("IAmAliveTime", now), ("Version", version),
        ];

        Assert.Equal(1, await Run("InsertMembershipVersionKey", ("DeploymentId", "c1")));
        Assert.Equal(0, await Run("InsertMembershipVersionKey", ("DeploymentId", "c1")));
        Assert.Equal(1, await Run("InsertMembershipKey", Silo(11111, 1, version: 0)));   // version 0 → 1
        Assert.Equal(0, await Run("InsertMembershipKey", Silo(11112, 1, version: 0)));   // stale: nothing inserted
        Assert.Equal(0, await Run("InsertMembershipKey", Silo(11111, 1, version: 1)));   // same silo again: nothing, version kept
        Assert.Equal(1, await Run("UpdateMembershipKey", Silo(11111, 3, version: 1)));   // 1 → 2, active
        Assert.Equal(0, await Run("UpdateMembershipKey", Silo(11111, 6, version: 1)));   // stale: still active
        Assert.Equal(0, await Run("UpdateMembershipKey", Silo(11199, 6, version: 2)));   // no such silo: version kept

        Assert.Equal([(11111, 3, 2)], await Rows("MembershipReadAllKey", ("DeploymentId", "c1")));

        // A second silo, then each remaining query as Orleans runs it.
        Assert.Equal(1, await Run("InsertMembershipKey", Silo(11112, 1, version: 2)));   // 2 → 3, joining
        Assert.Equal([(11112, 1, 3)], await Rows("MembershipReadRowKey",
            ("DeploymentId", "c1"), ("Address", "127.0.0.1"), ("Port", 11112), ("Generation", 7)));
        // The version row comes back even for a silo without a row (Port null).
        Assert.Equal([(-1, -1, 3)], await Rows("MembershipReadRowKey",
            ("DeploymentId", "c1"), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 7)));
        var later = now.AddMinutes(5);
        await Run("UpdateIAmAlivetimeKey", ("DeploymentId", "c1"), ("Address", "127.0.0.1"), ("Port", 11111), ("Generation", 7), ("IAmAliveTime", later));
        await using (var alive = source.CreateCommand("SELECT IAmAliveTime FROM OrleansMembershipTable WHERE Port = 11111"))
            Assert.Equal(later, ((DateTime)(await alive.ExecuteScalarAsync(TestContext.Current.CancellationToken))!), TimeSpan.FromMilliseconds(1));

        // Gateways: active silos with a proxy port only (11111 is active, 11112 still joining).
        await using (var gateways = source.CreateCommand(queries["GatewaysQueryKey"]))
        {
            gateways.Parameters.AddWithValue("DeploymentId", "c1");
            gateways.Parameters.AddWithValue("Status", 3);
            await using var g = await gateways.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            Assert.True(await g.ReadAsync(TestContext.Current.CancellationToken));
            Assert.Equal(("127.0.0.1", 12111, 7), (g.GetString(g.GetOrdinal("Address")), g.GetInt32(g.GetOrdinal("ProxyPort")), g.GetInt32(g.GetOrdinal("Generation"))));
            Assert.False(await g.ReadAsync(TestContext.Current.CancellationToken));
        }

        // Defunct rows: dead silos not alive since the cut-off. A joining silo stays, as does the active one.
        await Run("CleanupDefunctSiloEntriesKey", ("DeploymentId", "c1"), ("IAmAliveTime", now.AddMinutes(10)));
        Assert.Equal([(11111, 3, 3), (11112, 1, 3)], (await Rows("MembershipReadAllKey", ("DeploymentId", "c1"))).Order());
        Assert.Equal(1, await Run("UpdateMembershipKey", Silo(11112, 6, version: 3)));   // 3 → 4, dead
        await Run("CleanupDefunctSiloEntriesKey", ("DeploymentId", "c1"), ("IAmAliveTime", now.AddMinutes(10)));
        Assert.Equal([(11111, 3, 4)], await Rows("MembershipReadAllKey", ("DeploymentId", "c1")));

        await Run("DeleteMembershipTableEntriesKey", ("DeploymentId", "c1"));
        Assert.Empty(await Rows("MembershipReadAllKey", ("DeploymentId", "c1")));

        async Task<List<(int Port, int Status, int Version)>> Rows(string key, params (string Name, object? Value)[] parameters)
        {
            await using var command = source.CreateCommand(queries[key]);
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            await using var rows = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var list = new List<(int, int, int)>();
            while (await rows.ReadAsync(TestContext.Current.CancellationToken))
            {
                int Int(string column) => rows.IsDBNull(rows.GetOrdinal(column)) ? -1 : rows.GetInt32(rows.GetOrdinal(column));
                list.Add((Int("Port"), Int("Status"), Int("Version")));
            }
            return list;
        }
    }

    [Fact]
    public async Task An_append_that_races_a_delete_never_leaves_a_gap()
    {
        // Regression: the append read the log's length from its own snapshot, so an append running while a delete of
        // the same log was in flight inserted at the old length; the log then held only that entry and no activation
        // could replay it. Appends and deletes now serialise on the detector's advisory lock.
        await using var source = await FreshSchemaAsync();
        var log = new PostgresDetectorLog(source);
        for (int i = 0; i < 5; i++) Assert.True(await log.AppendAsync("d", i, Entry(i)));

        // A delete in flight, as DeleteAsync runs it: the detector's lock, then the rows, not yet committed.
        await using var deleting = await source.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var tx = await deleting.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var command = new NpgsqlCommand(PostgresDetectorLog.LockSql + "; DELETE FROM DetectorLog WHERE Detector = @detector", deleting, tx))
        {
            command.Parameters.AddWithValue("detector", "d");
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var append = log.AppendAsync("d", 5, Entry(5));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(append.IsCompleted);  // waits for the delete
        await tx.CommitAsync(TestContext.Current.CancellationToken);

        Assert.False(await append);  // the log is empty now: position 5 is not its length
        Assert.Empty(await ReadAllAsync(log, "d"));
        Assert.True(await log.AppendAsync("d", 0, Entry(0)));
    }

    [Fact]
    public async Task A_log_with_a_gap_is_reported_not_replayed()
    {
        await using var source = await FreshSchemaAsync();
        var log = new PostgresDetectorLog(source);
        for (int i = 0; i < 3; i++) Assert.True(await log.AppendAsync("d", i, Entry(i)));
        await using (var command = source.CreateCommand("DELETE FROM DetectorLog WHERE Detector = 'd' AND Position = 1"))
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(log, "d"));
        Assert.Contains("entry at position 2 where 1 was expected", e.Message);
    }

    [Fact]
    public async Task A_current_schema_is_left_alone_so_silos_need_no_DDL_rights()
    {
        string connection = server.Require();
        string schema = "dg_test_" + Guid.NewGuid().ToString("N")[..12];
        Assert.True(await PostgresSchema.EnsureAsync(connection, schema, TestContext.Current.CancellationToken));
        Assert.False(await PostgresSchema.EnsureAsync(connection, schema, TestContext.Current.CancellationToken));

        // A role that may only read and write the tables (a DBA ran the script): a silo starts and appends.
        string role = "dg_dml_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = NpgsqlDataSource.Create(connection))
        await using (var grant = admin.CreateCommand(
            $"CREATE ROLE {role} LOGIN PASSWORD 'dml-secret'; GRANT USAGE ON SCHEMA {schema} TO {role}; " +
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};"))
            await grant.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        var limited = new NpgsqlConnectionStringBuilder(connection) { Username = role, Password = "dml-secret" }.ConnectionString;
        Assert.False(await PostgresSchema.EnsureAsync(limited, schema, TestContext.Current.CancellationToken));
        await using var source = NpgsqlDataSource.Create(PostgresSchema.WithSearchPath(limited, schema));
        Assert.True(await new PostgresDetectorLog(source).AppendAsync("d", 0, Entry(0), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Schema_names_are_plain_lower_case_identifiers()
    {
        Assert.Contains("Search Path=dg_1", PostgresSchema.WithSearchPath("Host=h", "dg_1"));
        foreach (var bad in new[] { "Review_Case", "dg-1", "1dg", "", "dg;drop" })
            Assert.Throws<ArgumentException>(() => PostgresSchema.WithSearchPath("Host=h", bad));
    }

    [Fact]
    public void Store_descriptions_never_show_a_password()
    {
        var redis = new Hosting.ClusterSettings { Redis = "redis-1:6380,password=hunter2,ssl=true" }.DescribeStore();
        Assert.StartsWith("Redis redis-1:6380", redis);
        Assert.DoesNotContain("hunter2", redis);
        var postgres = new Hosting.ClusterSettings { Postgres = "Host=db;Port=5432;Database=dg;Username=u;Password=hunter2" }.DescribeStore();
        Assert.Equal("PostgreSQL db:5432/dg", postgres);
    }

    private static async Task<List<byte[]>> ReadAllAsync(IDetectorLog log, string detector)
    {
        var list = new List<byte[]>();
        await foreach (var e in log.ReadAsync(detector)) list.Add(e);
        return list;
    }
}
