namespace DistillGuard.Core.Campaigns;

/// <summary>How tightly a campaign's accounts are coordinated, each feature 0–1.</summary>
/// <param name="Cohesion">Mean member link strength (capped at 1): how densely the members share rare indicators.</param>
/// <param name="SharedTemplates">Largest share of members that use one suspicious prompt template.</param>
/// <param name="SharedPayment">1 when two or more members share a payment method.</param>
/// <param name="Lockstep">Similarity of the members' hour-of-day activity (members with 12+ exchanges).</param>
/// <param name="CreationBurst">1 when three or more members were created in the same hour on one e-mail domain.</param>
public readonly record struct CoordinationFeatures(float Cohesion, float SharedTemplates, float SharedPayment, float Lockstep, float CreationBurst)
{
    /// <summary>Coordination sub-score, 0–1 (noisy-OR of the weighted features).</summary>
    public float Score => 1f - (1f - 0.6f * Cohesion) * (1f - 0.5f * SharedTemplates) * (1f - 0.8f * SharedPayment)
        * (1f - 0.4f * Lockstep) * (1f - 0.5f * CreationBurst);
}
