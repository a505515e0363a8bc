using DistillGuard.Cluster.Detector;
using DistillGuard.Cluster.Scanning;
using DistillGuard.Core.Findings;
using DistillGuard.Ingest.Readers;
using Orleans.TestingHost;

namespace DistillGuard.Cluster.Tests;

/// <summary>
/// Cluster mode against single-process mode on the same log: three TestingHost silos, the real detector grain and
/// scan client, the bundled sample traffic; the single-process side is the CLI's own scan runner.
/// </summary>
public sealed class ClusterEquivalenceTests(ITestOutputHelper output)
{
    private static async Task<(ClusterScanResult Result, List<string> Errors)> ScanOnCluster(TestCluster cluster, string detector, int batchLines,
        Action<long>? progress = null, int analysisWindow = 4, DetectorSettings? settings = null)
    {
        var reader = new ExchangeLogReader(SampleTraffic.Sources);
        var errors = new List<string>();
        var client = new ClusterScanClient(cluster.Client)
        {
            BatchLines = batchLines,
            CallTimeout = TimeSpan.FromSeconds(3),
            Progress = progress,
            AnalysisWindow = analysisWindow,
        };
        var result = await client.ScanAsync(detector, settings ?? new DetectorSettings(), SampleTraffic.AccountList(), reader,
            e => errors.Add(e.ToString()), () => SampleTraffic.InputOf(reader, errors), includeBenign: false, TestContext.Current.CancellationToken);
        return (result, errors);
    }

    private static void AssertSameVerdictsAndCampaigns(FindingsDocument expected, FindingsDocument actual) =>
        // Everything in findings.json but generated_at: scores, reasons, evidence, first_flagged_at too.
        SampleTraffic.AssertSameVerdictsAndCampaigns(expected, actual, SampleTraffic.Canonical);

    [Theory]
    [InlineData(0)] // the detector analyses every exchange itself
    [InlineData(4)] // the silos' stateless analysis workers analyse batches ahead of it
    public async Task Three_silos_produce_the_same_findings_as_the_single_process_scan(int analysisWindow)
    {
        var cluster = await TestClusters.StartAsync(3);
        await using var stop = cluster.StopOnDispose();
        var (result, errors) = await ScanOnCluster(cluster, "equivalence", batchLines: 256, analysisWindow: analysisWindow);
        var embedded = SampleTraffic.Embedded.Value;

        Assert.Empty(errors);
        Assert.Equal(7963, result.Findings.Input.Exchanges);
        // The sample is not trivial: many flagged accounts, several multi-account campaigns.
        Assert.True(embedded.Summary.AccountsAttack > 100, $"{embedded.Summary.AccountsAttack} accounts at attack");
        Assert.True(embedded.Campaigns.Count(c => c.AccountIds.Count > 1) >= 5);
        AssertSameVerdictsAndCampaigns(embedded, result.Findings);
        Assert.Equal(0, result.Status.Replayed);
        output.WriteLine($"detector on {result.Status.Silo}; {result.Entries} entries; {result.Findings.Summary.AccountsAttack} accounts at attack");
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_the_detector_midway_loses_nothing()
    {
        var cluster = await TestClusters.StartAsync(3);
        await using var stop = cluster.StopOnDispose();
        // Orleans may re-route calls to the new activation by itself (no client retry needed); either way the state
        // must come back from the log.
        // A detector placed on a secondary silo (the primary hosts the TestingHost's membership table and must stay).
        string detector = "";
        SiloHandle? host = null;
        for (int i = 0; host is null; i++)
        {
            detector = $"failover-{i}";
            var status = await cluster.Client.GetGrain<IDetectorGrain>(detector).Status();
            host = cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToParsableString() == status.Silo);
        }

        Task? kill = null;
        var (result, errors) = await ScanOnCluster(cluster, detector, batchLines: 128, progress: acknowledged =>
        {
            if (kill is null && acknowledged >= 4000) kill = Task.Run(() => cluster.KillSiloAsync(host));
        });
        Assert.NotNull(kill);
        await kill;

        Assert.Empty(errors);
        Assert.NotEqual(host.SiloAddress.ToParsableString(), result.Status.Silo);
        Assert.True(result.Status.Replayed > 30, $"the new activation replayed {result.Status.Replayed} entries");
        AssertSameVerdictsAndCampaigns(SampleTraffic.Embedded.Value, result.Findings);
        output.WriteLine($"killed {host.SiloAddress}; detector moved to {result.Status.Silo}, replayed {result.Status.Replayed} entries in {result.Status.ReplayMs} ms; {result.Retries} retried calls");
    }

    [Fact]
    public async Task A_custom_reference_dataset_reaches_the_detector_and_the_analysis_workers()
    {
        // A reference "dataset" made of the newest user prompts of the sample's first 3,000 exchanges: with it,
        // sending them is a dataset sweep, so the findings change — and must change identically on the cluster.
        var file = Path.Combine(Directory.CreateTempSubdirectory("dg-ref-").FullName, "seen-prompts.jsonl");
        await File.WriteAllLinesAsync(file, SampleTraffic.UserPrompts(3000)
            .Select(t => System.Text.Json.JsonSerializer.Serialize(new { text = t, dataset = "seen-prompts" })), TestContext.Current.CancellationToken);
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null) });
        var runner = new DistillGuard.Cli.Scanning.ScanRunner(console, TextWriter.Null, TextWriter.Null, interactive: false);
        Assert.Equal(0, runner.Run(new DistillGuard.Cli.Scanning.ScanRequest
        {
            Inputs = [SampleTraffic.Traffic], AccountsFile = SampleTraffic.Accounts, ReferenceFiles = [file], Quiet = true, Format = "json",
        }));
        var embedded = runner.Findings!;
        Assert.NotEqual(SampleTraffic.Canonical(SampleTraffic.Embedded.Value), SampleTraffic.Canonical(embedded));

        var cluster = await TestClusters.StartAsync(2);
        await using var stop = cluster.StopOnDispose();
        try
        {
            var settings = new DetectorSettings { Reference = DistillGuard.Cli.Scanning.ReferenceLoader.Load([file], _ => { }).ToBytes() };
            foreach (int window in new[] { 0, 4 })
            {
                var (result, errors) = await ScanOnCluster(cluster, "custom-reference-" + window, batchLines: 256, analysisWindow: window, settings: settings);
                Assert.Empty(errors);
                AssertSameVerdictsAndCampaigns(embedded, result.Findings);
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
