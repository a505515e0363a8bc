using System.Security.Cryptography;
using System.Text;

namespace DistillGuard.Reports.Exports;

/// <summary>Deterministic STIX identifiers: UUIDv5 (RFC 9562 §5.5, SHA-1 name-based).</summary>
internal static class StixIds
{
    /// <summary>The namespace STIX 2.1 prescribes for cyber-observable ids (STIX 2.1 §2.9).</summary>
    private static readonly Guid ObservableNamespace = Guid.Parse("00abedb4-aa42-466c-9c01-fed23315a9b7");

    /// <summary>DistillGuard's namespace for its domain objects (campaigns, indicators, relationships…).</summary>
    private static readonly Guid DomainNamespace = Guid.Parse("5a0c3e9e-6d7b-5b5e-9a57-2f0b8f3c7d41");

    /// <summary>Id of a STIX domain object, stable for the same <paramref name="key"/>.</summary>
    public static string Domain(string type, string key) => $"{type}--{V5(DomainNamespace, type + "|" + key)}";

    /// <summary>Id of a cyber-observable, from its id-contributing properties serialised as canonical JSON (<c>{"value":"…"}</c>).</summary>
    public static string Observable(string type, string canonicalJson) => $"{type}--{V5(ObservableNamespace, canonicalJson)}";

    private static Guid V5(Guid ns, string name)
    {
        Span<byte> nsBytes = stackalloc byte[16];
        ns.TryWriteBytes(nsBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        nsBytes.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var b = hash[..16].ToArray();
        b[6] = (byte)((b[6] & 0x0F) | 0x50); // version 5
        b[8] = (byte)((b[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(b, bigEndian: true);
    }
}
