using System.Security.Cryptography;
using System.Text;

namespace DistillGuard.Core.Findings;

/// <summary>
/// What may leave the building, one policy for every output (findings.json, report.html, OCSF and STIX exports).
/// Nothing DistillGuard keeps is raw prompt text, an e-mail address or payment data in any policy: excerpts are short
/// and redacted, payment methods and prompt templates appear as hashes, registrations only by e-mail domain.
/// </summary>
public sealed record RedactionPolicy
{
    /// <summary>Policy name as given to <c>--redact</c>.</summary>
    public string Name { get; init; } = "standard";

    /// <summary>Keep short redacted excerpts of example prompts and template indicators (else hashes only).</summary>
    public bool Excerpts { get; init; } = true;

    /// <summary>Replace account ids by keyed hashes (<c>acct:</c> + 16 hex digits).</summary>
    public bool HashAccounts { get; init; }

    /// <summary>Reduce IP addresses to their /24 (IPv4) or /48 (IPv6) network.</summary>
    public bool IpsAsNetworks { get; init; }

    /// <summary>Keep user-agent strings.</summary>
    public bool UserAgents { get; init; } = true;

    /// <summary>Key of the HMAC-SHA256 used for hashed identifiers (UTF-8); null uses plain SHA-256 (stable, but guessable for short ids).</summary>
    public string? HashKey { get; init; }

    /// <summary>The default: account ids and IPs in clear for the analyst, hashes for payment methods and templates, short redacted excerpts.</summary>
    public static RedactionPolicy Standard { get; } = new();

    /// <summary>For sharing with partners: hashed account ids, /24 networks instead of IPs, no excerpts, no user agents.</summary>
    public static RedactionPolicy Strict { get; } = new() { Name = "strict", Excerpts = false, HashAccounts = true, IpsAsNetworks = true, UserAgents = false };

    /// <summary>Parses <c>standard</c> or <c>strict</c>.</summary>
    /// <exception cref="FormatException">Another name.</exception>
    public static RedactionPolicy Parse(string name, string? hashKey = null) => name switch
    {
        "standard" => Standard with { HashKey = hashKey },
        "strict" => Strict with { HashKey = hashKey },
        _ => throw new FormatException($"--redact: standard or strict (found \"{name}\")"),
    };

    /// <summary>Stable keyed hash of an identifier: 16 lower-case hex digits.</summary>
    public string Hash(string value)
    {
        var data = Encoding.UTF8.GetBytes(value);
        var digest = HashKey is null ? SHA256.HashData(data) : HMACSHA256.HashData(Encoding.UTF8.GetBytes(HashKey), data);
        return Convert.ToHexStringLower(digest)[..16];
    }
}
