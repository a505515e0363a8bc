using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Indicators;

/// <summary>64-bit indicator keys: 4 bits of <see cref="IndicatorKind"/> and 60 bits of hash.</summary>
public static class IndicatorKey
{
    private const ulong HashMask = 0x0FFF_FFFF_FFFF_FFFFUL;

    /// <summary>Builds the key of a textual indicator value.</summary>
    public static ulong Of(IndicatorKind kind, ReadOnlySpan<char> value) => Make(kind, Hash64.Tagged((byte)kind, value));

    /// <summary>Builds a key from an already computed hash.</summary>
    public static ulong Make(IndicatorKind kind, ulong hash) => (Hash64.Mix(hash) & HashMask) | ((ulong)kind << 60);

    /// <summary>The kind stored in a key.</summary>
    public static IndicatorKind KindOf(ulong key) => (IndicatorKind)(key >> 60);

    /// <summary>Whether the key identifies a prompt template (system prompt, tool set or MinHash band).</summary>
    public static bool IsTemplate(ulong key) => KindOf(key) is IndicatorKind.SystemTemplate or IndicatorKind.ToolSet or IndicatorKind.PromptTemplate;

    /// <summary>Whether the key comes from the account registry (payment, e-mail domain, creation burst) rather than traffic.</summary>
    public static bool IsRegistry(ulong key) => KindOf(key) is IndicatorKind.Payment or IndicatorKind.EmailDomain or IndicatorKind.CreationBurst;

    /// <summary>
    /// Whether the key describes network infrastructure or the account registry (IP, network, payment, e-mail domain,
    /// creation burst): evidence of one operator. Prompt templates are not, and neither is a user agent, which a whole
    /// client library's users share.
    /// </summary>
    public static bool IsInfrastructure(ulong key) => !IsTemplate(key) && KindOf(key) != IndicatorKind.UserAgent;

    /// <summary>Stable short hexadecimal form of a key, for reports (never reveals the value).</summary>
    public static string Hex(ulong key) => (key & HashMask).ToString("x15");

    /// <summary>
    /// The /24 (IPv4) or /48 (IPv6) network of an address as text (<c>203.0.113.0/24</c>), written to
    /// <paramref name="destination"/>. Returns 0 when <paramref name="ip"/> is not an address.
    /// </summary>
    public static int NetworkOf(ReadOnlySpan<char> ip, Span<char> destination)
    {
        int dots = 0, lastDot = -1, colons = 0;
        for (int i = 0; i < ip.Length; i++)
        {
            if (ip[i] == '.') { dots++; lastDot = i; }
            else if (ip[i] == ':') colons++;
        }
        if (dots == 3 && colons == 0)
        {
            int n = lastDot + 1;
            if (n + 4 > destination.Length) return 0;
            ip[..n].CopyTo(destination);
            "0/24".CopyTo(destination[n..]);
            return n + 4;
        }
        if (colons >= 2)
        {
            // First three hextets of an IPv6 address (the common /48 allocation).
            int seen = 0, i = 0;
            for (; i < ip.Length && seen < 3; i++) if (ip[i] == ':') seen++;
            int n = seen == 3 ? i : ip.Length;
            if (n + 4 > destination.Length) return 0;
            ip[..n].CopyTo(destination);
            int w = n;
            if (seen == 3) { ":/48".CopyTo(destination[w..]); w += 4; }
            return w;
        }
        return 0;
    }
}
