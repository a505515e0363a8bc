using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DistillGuard.Cluster.Tests;

/// <summary>
/// A real PostgreSQL server for the PostgreSQL store's tests: the one named by <c>DISTILLGUARD_TEST_POSTGRES</c> (an
/// Npgsql connection string), else a private server started here from the Debian packages (<c>initdb</c> into a
/// temporary directory, loopback, a free port; as the <c>postgres</c> user when running as root), stopped at the end.
/// Without either, the tests are skipped, unless <c>DISTILLGUARD_REQUIRE_POSTGRES=1</c> (CI) makes that a failure.
/// Each test uses a schema of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _directory;
    private string? _binaries;

    /// <summary>Connection string to the server (without a search path), or null if there is none.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Why there is no server.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("DISTILLGUARD_TEST_POSTGRES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }
        _binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (_binaries is null)
        {
            Unavailable = "PostgreSQL is not installed (apt-get install postgresql) and DISTILLGUARD_TEST_POSTGRES is not set";
            return;
        }
        _directory = Directory.CreateTempSubdirectory("dg-pg-").FullName;
        File.WriteAllText(Path.Combine(_directory, "pw"), "test-secret\n");
        bool root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", $"-R postgres {_directory}");
            await RunAsync("chmod", $"755 {_directory}");
        }
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        string data = Path.Combine(_directory, "data");
        await AsPostgresAsync(root, $"{_binaries}/initdb -D {data} --auth=scram-sha-256 --pwfile={_directory}/pw -U postgres");
        await AsPostgresAsync(root, $"{_binaries}/pg_ctl -D {data} -l {_directory}/server.log -w -o '-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off' start");
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=test-secret;Database=postgres";
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null || _binaries is null) return;
        try
        {
            await AsPostgresAsync(Environment.UserName == "root", $"{_binaries}/pg_ctl -D {_directory}/data -m immediate stop");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The connection string, or skips (or fails, in CI) the calling test.</summary>
    public string Require()
    {
        if (ConnectionString is not null) return ConnectionString;
        if (Environment.GetEnvironmentVariable("DISTILLGUARD_REQUIRE_POSTGRES") == "1") Assert.Fail(Unavailable);
        Assert.Skip(Unavailable!);
        return null!;
    }

    private static Task AsPostgresAsync(bool root, string command) =>
        root ? RunAsync("su", $"postgres -s /bin/bash -c \"{command}\"") : RunAsync("/bin/bash", $"-c \"{command}\"");

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
