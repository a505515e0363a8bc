namespace DistillGuard.Core.Indicators;

/// <summary>Kinds of shared indicators that link accounts. The value is stored in the top 4 bits of every indicator key; never reorder.</summary>
public enum IndicatorKind : byte
{
    /// <summary>Client IP address.</summary>
    Ip = 1,
    /// <summary>IPv4 /24 network (IPv6 /48).</summary>
    Network = 2,
    /// <summary>HTTP User-Agent string.</summary>
    UserAgent = 3,
    /// <summary>Payment-method fingerprint (hashed).</summary>
    Payment = 4,
    /// <summary>Registration e-mail domain.</summary>
    EmailDomain = 5,
    /// <summary>Accounts created within the same hour on the same e-mail domain.</summary>
    CreationBurst = 6,
    /// <summary>Exact system-prompt skeleton.</summary>
    SystemTemplate = 7,
    /// <summary>Set of offered tool names.</summary>
    ToolSet = 8,
    /// <summary>MinHash LSH band of the prompt frame (near-duplicate prompt skeletons).</summary>
    PromptTemplate = 9,
}
