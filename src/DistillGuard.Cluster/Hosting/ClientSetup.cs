using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace DistillGuard.Cluster.Hosting;

/// <summary>Configures an Orleans client (scan client, gateway node) to find the silos through Redis membership.</summary>
public static class ClientSetup
{
    /// <summary>Applies <paramref name="settings"/> to a client.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The TLS certificate cannot be loaded.</exception>
    public static IClientBuilder UseDistillGuardCluster(this IClientBuilder client, ClusterSettings settings)
    {
        if (settings.TlsCertificateFile is { } file)
        {
            var certificate = ClusterTls.Load(file, settings.TlsCertificatePassword);
            client.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
        }
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.Redis));
        if (settings.FastFailureDetection)
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        return client;
    }
}
