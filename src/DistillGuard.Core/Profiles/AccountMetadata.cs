namespace DistillGuard.Core.Profiles;

/// <summary>What the provider's account registry says about an account (the optional accounts file).</summary>
/// <param name="AccountId">Account id, as in the exchange log.</param>
/// <param name="CreatedAtMs">Creation time, Unix milliseconds UTC, or null.</param>
/// <param name="OrgId">Organisation id, or null.</param>
/// <param name="EmailDomain">Domain of the registration e-mail (never the address), or null.</param>
/// <param name="PaymentFingerprint">Opaque payment-method fingerprint from the payment processor, or null. Only its hash is kept.</param>
/// <param name="Tier">Billing tier, or null.</param>
/// <param name="Program">Access programme (education, startup, research, …), or null.</param>
/// <param name="Verified">Whether identity verification passed, or null when unknown.</param>
/// <param name="Country">Country code, or null. Kept for reports only; never used to raise a score.</param>
public sealed record AccountMetadata(
    string AccountId,
    long? CreatedAtMs = null,
    string? OrgId = null,
    string? EmailDomain = null,
    string? PaymentFingerprint = null,
    string? Tier = null,
    string? Program = null,
    bool? Verified = null,
    string? Country = null);
