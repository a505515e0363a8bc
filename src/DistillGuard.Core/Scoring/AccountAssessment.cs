using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Scoring;

/// <summary>The own (pre-campaign) assessment of one account.</summary>
public sealed class AccountAssessment
{
    /// <summary>Extraction-content sub-score, 0–1.</summary>
    public float Content { get; internal set; }

    /// <summary>Per-signal strengths behind <see cref="Content"/>, 0–1, indexed by <see cref="SignalKind"/>.</summary>
    public float[] Strengths { get; } = new float[SignalKinds.Count];

    /// <summary>Behaviour features.</summary>
    public BehaviourFeatures Behaviour { get; internal set; }

    /// <summary>Infrastructure features.</summary>
    public InfrastructureFeatures Infrastructure { get; internal set; }

    /// <summary>Whether a decisive signal (repeated classifier evasion or reasoning replay) fired.</summary>
    public bool Decisive { get; internal set; }

    /// <summary>Own risk score 0–100.</summary>
    public float OwnRisk { get; internal set; }
}
