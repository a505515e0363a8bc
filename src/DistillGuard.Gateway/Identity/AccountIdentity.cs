namespace DistillGuard.Gateway.Identity;

/// <summary>The account behind a request.</summary>
/// <param name="AccountId">Account id.</param>
/// <param name="OrgId">Organisation id, or null.</param>
/// <param name="ApiKeyId">The API key's identifier in logs: 16 hex digits of its SHA-256 (never the key), or null.</param>
public sealed record AccountIdentity(string AccountId, string? OrgId, string? ApiKeyId);
