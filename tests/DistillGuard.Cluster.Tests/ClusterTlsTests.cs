using DistillGuard.Cluster.Hosting;
using DistillGuard.Cluster.Scanning;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Cluster.Tests;

public sealed class ClusterTlsTests
{
    [Fact]
    public void Only_the_pinned_cluster_certificate_is_accepted()
    {
        var pinned = TestCertificates.Make("cluster");
        var other = TestCertificates.Make("cluster"); // same subject, different key
        Assert.True(ClusterTls.IsClusterCertificate(pinned, pinned));
        Assert.True(ClusterTls.IsClusterCertificate(pinned, System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(pinned.RawData)));
        Assert.False(ClusterTls.IsClusterCertificate(pinned, other));
        Assert.False(ClusterTls.IsClusterCertificate(pinned, null));
    }

    [Fact]
    public void A_certificate_that_cannot_be_used_is_reported_in_one_line()
    {
        var dir = Directory.CreateTempSubdirectory("dg-tls-").FullName;
        try
        {
            var pfx = TestCertificates.WritePfx(dir, "cluster", "s3cret");
            Assert.Null(ClusterTls.Check(pfx, "s3cret"));
            Assert.NotNull(ClusterTls.Check(pfx, "wrong"));
            var notPfx = Path.Combine(dir, "cert.pem");
            File.WriteAllText(notPfx, "-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n");
            Assert.NotNull(ClusterTls.Check(notPfx, null));
            Assert.NotNull(ClusterTls.Check(Path.Combine(dir, "missing.pfx"), null));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>TLS between silos and client with the pinned certificate (a client with another certificate is refused: .ci/cluster-failover checks that with real processes).</summary>
    [Fact]
    public async Task Over_mutual_TLS_the_cluster_scans_as_before()
    {
        var cluster = await TestClusters.StartAsync(2, tls: true);
        await using var stop = cluster.StopOnDispose();
        var reader = new ExchangeLogReader(SampleTraffic.Sources);
        var errors = new List<string>();
        var result = await new ClusterScanClient(cluster.Client) { CallTimeout = TimeSpan.FromSeconds(5) }.ScanAsync("tls", new Detector.DetectorSettings(),
            SampleTraffic.AccountList(), reader, e => errors.Add(e.ToString()), () => SampleTraffic.InputOf(reader, errors), includeBenign: false,
            TestContext.Current.CancellationToken);
        Assert.Equal(SampleTraffic.Canonical(SampleTraffic.Embedded.Value), SampleTraffic.Canonical(result.Findings));

    }
}
