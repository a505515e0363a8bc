using DistillGuard.Cli.Exporting;
using DistillGuard.Core.Engine;

namespace DistillGuard.Cli.Scanning;

/// <summary>Everything <c>distillguard scan</c> was asked to do.</summary>
internal sealed record ScanRequest
{
    public required IReadOnlyList<string> Inputs { get; init; }
    public string? AccountsFile { get; init; }
    public string? OutDir { get; init; }
    public string Format { get; init; } = "table";
    public bool FailOnAttack { get; init; }
    public IReadOnlyList<string> ReferenceFiles { get; init; } = [];
    public bool AllAccounts { get; init; }
    public EvidenceMode Evidence { get; init; } = EvidenceMode.Redacted;
    public bool Quiet { get; init; }
    public string? DisposableDomainsFile { get; init; }
    public IReadOnlyList<ExportFormat> Exports { get; init; } = [];
    public bool Stats { get; init; }
    /// <summary>Read the log twice so that findings do not depend on how accounts' exchanges are interleaved (<c>--order-independent</c>).</summary>
    public bool OrderIndependent { get; init; }
    public ExportSettings ExportSettings { get; init; } = new();
    /// <summary>Run the engine on this Orleans cluster instead of in this process (<c>--cluster</c>).</summary>
    public DistillGuard.Cluster.Hosting.ClusterSettings? Cluster { get; init; }
    /// <summary>The cluster detector's name (<c>--job</c>); default: a fresh unique name.</summary>
    public string? Job { get; init; }
    /// <summary>Batches analysed ahead by the cluster's analysis workers (<c>--analysis-window</c>); 0 = the detector analyses.</summary>
    public int AnalysisWindow { get; init; } = 4;
    /// <summary>Partitions of a partitioned cluster scan (<c>--partitions</c>, with <c>--cluster --order-independent</c>); 0 = one per live silo.</summary>
    public int Partitions { get; init; }
}
