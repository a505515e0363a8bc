using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace DistillGuard.Cluster.Hosting;

/// <summary>
/// Configures an Orleans client (scan client, gateway node) to find the silos through the membership in Redis or
/// PostgreSQL (<see cref="ClusterSettings.Postgres"/>).
/// </summary>
public static class ClientSetup
{
    /// <summary>Applies <paramref name="settings"/> to a client.</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="settings">Cluster settings.</param>
    /// <param name="certificate">The cluster certificate for mutual TLS (<see cref="ClusterTls.LoadFor"/>), or null for plain connections.</param>
    public static IClientBuilder UseDistillGuardCluster(this IClientBuilder client, ClusterSettings settings,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        if (certificate is not null) client.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.UsesPostgres)
        {
            string connection = Storage.ClusterStore.PostgresConnectionString(settings);
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connection;
            });
        }
        else
        {
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.Redis));
        }
        if (settings.FastFailureDetection)
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        return client;
    }
}
