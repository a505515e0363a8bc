using System.Net;
using DistillGuard.Cluster.Log;
using DistillGuard.Cluster.Storage;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace DistillGuard.Cluster.Hosting;

/// <summary>
/// Configures an Orleans silo to host detector grains, with membership and detector logs in Redis or, when
/// <see cref="ClusterSettings.Postgres"/> is set, in PostgreSQL (call <see cref="Storage.ClusterStore.PrepareAsync"/> first).
/// </summary>
public static class SiloSetup
{
    /// <summary>Applies <paramref name="settings"/> to a silo that listens on 127.0.0.1 or <paramref name="address"/>.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="settings">Cluster settings.</param>
    /// <param name="address">The address other silos and clients reach this one at.</param>
    /// <param name="siloPort">Silo-to-silo port.</param>
    /// <param name="gatewayPort">Client gateway port.</param>
    /// <param name="certificate">The cluster certificate for mutual TLS (<see cref="ClusterTls.LoadFor"/>), or null for plain connections.</param>
    public static ISiloBuilder UseDistillGuardCluster(this ISiloBuilder silo, ClusterSettings settings, IPAddress address, int siloPort, int gatewayPort,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        if (settings.UsesPostgres)
        {
            string connection = ClusterStore.PostgresConnectionString(settings);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connection;
            });
        }
        else
        {
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.Redis));
        }
        if (settings.FastFailureDetection)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        }
        silo.AddPartitionPlacement();
        if (certificate is not null) silo.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
        if (settings.UsesPostgres)
        {
            silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(ClusterStore.PostgresConnectionString(settings)));
            silo.Services.AddSingleton(sp => new PostgresDetectorLog(sp.GetRequiredService<NpgsqlDataSource>()));
            silo.Services.AddSingleton<IDetectorLog>(sp => sp.GetRequiredService<PostgresDetectorLog>());
            silo.Services.AddHostedService<DetectorLogSweeper>();
        }
        else
        {
            silo.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(settings.Redis));
            silo.Services.AddSingleton<IDetectorLog>(sp => new RedisDetectorLog(sp.GetRequiredService<IConnectionMultiplexer>(), settings.ServiceId));
        }
        return silo;
    }

    /// <summary>Registers the placement of partition detectors (<see cref="Partitions.PartitionPlacement"/>); every silo hosting them needs it.</summary>
    public static ISiloBuilder AddPartitionPlacement(this ISiloBuilder silo) =>
        silo.AddPlacementDirector<Partitions.PartitionPlacement, Partitions.PartitionPlacementDirector>();
}
