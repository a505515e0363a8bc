using System.Text.Json.Serialization;

namespace DistillGuard.Cluster.Hosting;

/// <summary>A silo as the cluster's membership table knows it.</summary>
/// <param name="Address">The silo's address (<c>host:port@generation</c>).</param>
/// <param name="Status">Its status in lower case: <c>active</c>, <c>joining</c>, <c>shuttingdown</c>, <c>dead</c>, …</param>
public sealed record SiloState([property: JsonPropertyName("address")] string Address, [property: JsonPropertyName("status")] string Status);

/// <summary>Reads the cluster's membership (for <c>/health</c> on silos and gateway nodes).</summary>
public static class ClusterMembership
{
    /// <summary>Every silo the membership table holds, dead ones included, ordered by address.</summary>
    /// <param name="grains">A silo's or a connected client's grain factory.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <param name="cancel">Stops waiting.</param>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>.</exception>
    public static async Task<IReadOnlyList<SiloState>> ReadAsync(IGrainFactory grains, TimeSpan timeout, CancellationToken cancel)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).WaitAsync(timeout, cancel);
        return hosts.Select(h => new SiloState(h.Key.ToParsableString(), h.Value.ToString().ToLowerInvariant()))
            .OrderBy(s => s.Address, StringComparer.Ordinal).ToList();
    }
}
