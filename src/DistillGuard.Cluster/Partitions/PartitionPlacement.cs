using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace DistillGuard.Cluster.Partitions;

/// <summary>
/// Places partition <c>i</c> of a scan (<see cref="IPartitionGrain.KeyOf"/>) on the <c>i mod n</c>-th of the
/// <c>n</c> live silos in address order, so that a scan's partitions spread evenly over the cluster. A partition whose
/// silo was lost is placed the same way among the survivors.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class PartitionPlacement : PlacementStrategy
{
    internal static readonly PartitionPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="PartitionPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PartitionPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public PartitionPlacementAttribute() : base(PartitionPlacement.Instance)
    {
    }
}

/// <summary>The placement director of <see cref="PartitionPlacement"/> (register with <c>AddPlacementDirector</c>).</summary>
public sealed class PartitionPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        if (silos.Length == 0) throw new OrleansException($"no silo can host {target.GrainIdentity}");
        return Task.FromResult(silos[PartitionOf(target.GrainIdentity.Key.ToString()) % silos.Length]);
    }

    /// <summary>The partition number at the end of a partition grain's key (<c>…/p{i}</c>), or 0 if there is none.</summary>
    public static int PartitionOf(string key)
    {
        int at = key.LastIndexOf("/p", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(key.AsSpan(at + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int p) ? p : 0;
    }
}
