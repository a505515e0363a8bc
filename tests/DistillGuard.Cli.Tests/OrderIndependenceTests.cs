using DistillGuard.Core.Findings;
using static DistillGuard.Cli.Tests.FindingsComparison;

namespace DistillGuard.Cli.Tests;

/// <summary>
/// <c>scan --order-independent</c>: the same verdicts and campaign membership whatever order the accounts' exchanges
/// are interleaved in, and detection targets still met.
/// </summary>
[Collection("simulated traffic")]
public sealed class OrderIndependenceTests(SimulatedTraffic sim, ITestOutputHelper output)
{
    [Fact]
    public void Findings_do_not_depend_on_how_accounts_are_interleaved()
    {
        var inTime = Scan(sim.Traffic, "oi-time");
        var grouped = Scan(sim.Regrouped, "oi-grouped");

        Assert.True(inTime.Accounts.Count(a => a.Verdict == "attack") >= 1000);
        Assert.True(inTime.Campaigns.Count >= 10);
        Assert.Equal(Verdicts(inTime), Verdicts(grouped));
        Assert.Equal(Campaigns(inTime), Campaigns(grouped));

        var eval = CliRunner.Run("eval", "--labels", sim.Labels, "--findings", Path.Combine(sim.Dir, "oi-time", "findings.json"), "--traffic", sim.Traffic, "--check");
        output.WriteLine(eval.Stdout);
        Assert.Equal(0, eval.Exit);
    }

    [Fact]
    public void Standard_input_is_refused_because_the_log_is_read_twice()
    {
        // Empty input: the command stops before reading it, and a larger input would fail the runner's write instead.
        var empty = Path.Combine(sim.Dir, "empty.jsonl");
        File.WriteAllText(empty, "");
        var run = CliRunner.RunWithInput(empty, "scan", "-", "--order-independent", "--quiet");
        Assert.Equal(2, run.Exit);
        Assert.Contains("reads the log twice", run.Stderr);
    }

    [Theory]
    [InlineData("--partitions 3", "--partitions applies only with --cluster --order-independent")]
    [InlineData("--cluster --redis 127.0.0.1:1 --partitions 3", "--partitions applies only with --cluster --order-independent")]
    [InlineData("--cluster --redis 127.0.0.1:1 --order-independent --partitions 0", "--partitions 0: expected 1 to 1024")]
    [InlineData("--cluster --redis 127.0.0.1:1 --order-independent --partitions 1025", "--partitions 1025: expected 1 to 1024")]
    [InlineData("--cluster --redis 127.0.0.1:1 --order-independent --analysis-window 2", "--analysis-window does not apply with --order-independent")]
    // Regression: the range check read the value in the command's validator and crashed (exit 134) on a non-number.
    [InlineData("--cluster --redis 127.0.0.1:1 --order-independent --partitions abc", "Cannot parse argument 'abc' for option '--partitions'")]
    [InlineData("--cluster --redis 127.0.0.1:1 --order-independent --partitions 2.5", "Cannot parse argument '2.5' for option '--partitions'")]
    public void Partitioned_cluster_options_are_checked(string options, string error)
    {
        var run = CliRunner.Run(["scan", sim.Slice, .. options.Split(' ')]);
        Assert.Equal(2, run.Exit);
        Assert.Contains(error, run.Stderr);
        Assert.Contains("Run 'distillguard scan --help' for usage.", run.Stderr);
    }

    [Fact]
    public void Standard_input_is_refused_with_cluster_before_connecting()
    {
        var empty = Path.Combine(sim.Dir, "empty-cluster.jsonl");
        File.WriteAllText(empty, "");
        var run = CliRunner.RunWithInput(empty, "scan", "-", "--order-independent", "--cluster", "--redis", "127.0.0.1:1", "--quiet");
        Assert.Equal(2, run.Exit);
        Assert.Contains("give files, not standard input", run.Stderr);
    }

    private FindingsDocument Scan(string traffic, string name)
    {
        var outDir = Path.Combine(sim.Dir, name);
        var run = CliRunner.Run("scan", traffic, "--accounts", sim.Accounts, "--order-independent", "--out", outDir, "--quiet");
        Assert.True(run.Exit == 0, run.Stderr);
        return FindingsJson.Read(Path.Combine(outDir, "findings.json"));
    }
}
