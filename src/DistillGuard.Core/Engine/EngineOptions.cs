using DistillGuard.Core.Reference;
using DistillGuard.Core.Scoring;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Engine;

/// <summary>What evidence text the engine may keep.</summary>
public enum EvidenceMode
{
    /// <summary>No prompt text at all: only hashes, counts and exchange ids.</summary>
    None = 0,
    /// <summary>Short excerpts with personal data and secrets redacted (default).</summary>
    Redacted = 1,
}

/// <summary>Configuration of a <see cref="DetectionEngine"/>.</summary>
public sealed record EngineOptions
{
    /// <summary>Scoring thresholds and weights.</summary>
    public ScoringOptions Scoring { get; init; } = ScoringOptions.Default;

    /// <summary>Reference datasets for <c>DATASET_SWEEP</c> (default: the built-in index).</summary>
    public ReferenceIndex? Reference { get; init; }

    /// <summary>Public prompt templates whose skeletons never link accounts (default: the built-in index).</summary>
    public ReferenceIndex? PublicTemplates { get; init; }

    /// <summary>Signal detectors (default: <see cref="SignalPipeline.DefaultSignals"/>).</summary>
    public IReadOnlyList<IExchangeSignal>? Signals { get; init; }

    /// <summary>Evidence text kept for analysts.</summary>
    public EvidenceMode Evidence { get; init; } = EvidenceMode.Redacted;

    /// <summary>Exchanges between incremental campaign reconciliations.</summary>
    public int ReconcileInterval { get; init; } = 512;

    /// <summary>Work units (accounts visited + edges read) one reconciliation may spend; the rest waits for the next.</summary>
    public int ReconcileBudget { get; init; } = 32_768;

    /// <summary>Disposable e-mail domains (default: the built-in list).</summary>
    public IReadOnlySet<string>? DisposableDomains { get; init; }

    /// <summary>Counters per row of the template-frequency sketch (memory: 6 × width bytes).</summary>
    public int TemplateCounterWidth { get; init; } = 1 << 20;

    /// <summary>Candidates per indicator beyond which it no longer links accounts.</summary>
    public int PostingCap { get; init; } = 1024;
}
