using DistillGuard.Core.Indicators;
using DistillGuard.Core.Profiles;

namespace DistillGuard.Core.Scoring;

/// <summary>Infrastructure features of an account, each 0–1.</summary>
public readonly record struct InfrastructureFeatures(
    float SharedPayment, float DisposableEmail, float IpRotation, float CreationBurst, float NewAccount,
    int PaymentAccounts, int BurstAccounts, int DistinctNetworks)
{
    /// <summary>Infrastructure sub-score, 0–1 (noisy-OR of the features).</summary>
    public float Score => 1f - (1f - SharedPayment) * (1f - 0.7f * DisposableEmail) * (1f - 0.6f * IpRotation)
        * (1f - 0.6f * CreationBurst) * (1f - 0.3f * NewAccount);
}

/// <summary>
/// Infrastructure sub-score: account-farm and proxy indicators (a payment method shared across accounts, disposable
/// e-mail, creation bursts, rotation across many networks, brand-new accounts). Country and region are never used.
/// </summary>
public static class InfrastructureScorer
{
    /// <summary>Computes the features of <paramref name="p"/>.</summary>
    /// <param name="p">The profile.</param>
    /// <param name="index">Indicator index (document frequencies of the payment and creation-burst keys).</param>
    /// <param name="disposableDomains">Known disposable e-mail domains (lower case).</param>
    public static InfrastructureFeatures Assess(AccountProfile p, IndicatorIndex index, IReadOnlySet<string> disposableDomains)
    {
        float payment = 0, burst = 0;
        int paymentAccounts = 0, burstAccounts = 0;
        for (int i = 0; i < p.IndicatorCount; i++)
        {
            ulong key = p.IndicatorKeys[i];
            switch (IndicatorKey.KindOf(key))
            {
                case IndicatorKind.Payment:
                    paymentAccounts = (int)index.DocumentFrequency(key);
                    payment = paymentAccounts >= 3 ? 1f : paymentAccounts == 2 ? 0.6f : 0f;
                    break;
                case IndicatorKind.CreationBurst:
                    burstAccounts = (int)index.DocumentFrequency(key);
                    burst = BehaviourScorer.Clamp((burstAccounts - 3) / 7.0);
                    break;
            }
        }
        var meta = p.Metadata;
        float disposable = meta?.EmailDomain is { } d && disposableDomains.Contains(d.ToLowerInvariant()) ? 1f : 0f;
        int networks = (int)Math.Round(p.DistinctNetworks);
        float rotation = p.Exchanges < 10 ? 0f : BehaviourScorer.Clamp((networks - 4) / 8.0) * BehaviourScorer.Clamp((double)networks / p.Exchanges * 5);
        float newAccount = 0f;
        if (meta?.CreatedAtMs is long created && p.Exchanges > 0)
        {
            double ageDays = (p.FirstSeenMs - created) / 86_400_000.0;
            newAccount = ageDays <= 7 ? 1f : ageDays <= 30 ? 0.5f : 0f;
        }
        return new InfrastructureFeatures(payment, disposable, rotation, burst, newAccount, paymentAccounts, burstAccounts, networks);
    }
}
