using DistillGuard.Cluster.Hosting;
using DistillGuard.Cluster.Log;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace DistillGuard.Cluster.Tests;

/// <summary>Orleans TestingHost clusters: several real silos in this process, detector logs in a shared in-memory store.</summary>
internal static class TestClusters
{
    public static async Task<TestCluster> StartAsync(int silos, bool tls = false)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        if (tls)
        {
            builder.AddSiloBuilderConfigurator<TlsSiloConfigurator>();
            builder.AddClientBuilderConfigurator<TlsClientConfigurator>();
        }
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Stops every silo and disposes the cluster when the returned scope ends (<c>await using</c>).</summary>
    public static IAsyncDisposable StopOnDispose(this TestCluster cluster) => new Stopper(cluster);

    private sealed class Stopper(TestCluster cluster) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>The cluster certificate of the TLS test clusters (self-signed, made once per test run).</summary>
    public static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> ClusterCertificate = new(() => TestCertificates.Make("distillguard-test-cluster"));

    private sealed class TlsSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.UseTls(ClusterCertificate.Value, o => DistillGuard.Cluster.Hosting.ClusterTls.Configure(o, ClusterCertificate.Value));
    }

    private sealed class TlsClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.UseTls(ClusterCertificate.Value, o => DistillGuard.Cluster.Hosting.ClusterTls.Configure(o, ClusterCertificate.Value));
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<IDetectorLog>(MemoryDetectorLog.Shared);
            silo.AddPartitionPlacement();
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        }
    }
}
