using System.CommandLine;
using DistillGuard.Core.Findings;

namespace DistillGuard.Cli.Exporting;

/// <summary>The <c>--redact</c> and <c>--hash-key-file</c> options shared by <c>scan</c> and <c>export</c>.</summary>
internal sealed class RedactionOptions
{
    /// <summary>Environment variable holding the key of hashed identifiers.</summary>
    public const string HashKeyVariable = "DISTILLGUARD_HASH_KEY";

    private readonly Option<string?> _redact = new("--redact")
    {
        Description = "What may leave the building: standard (ids and IPs in clear, hashes for payment and templates, short redacted excerpts) " +
                      "or strict (hashed account ids, /24 networks, no excerpts or user agents). Default: standard, and strict for STIX",
    };

    private readonly Option<string?> _hashKeyFile = new("--hash-key-file")
    {
        Description = $"File holding the secret key of hashed account ids (HMAC-SHA256); default: ${HashKeyVariable}, else unkeyed SHA-256",
    };

    public RedactionOptions()
    {
        _redact.AcceptOnlyFromAmong("standard", "strict");
    }

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_redact);
        command.Options.Add(_hashKeyFile);
    }

    /// <summary>The policy asked for, and whether <c>--redact</c> was given.</summary>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the key file.</exception>
    public (RedactionPolicy Policy, bool Explicit) Read(ParseResult result)
    {
        string? key = result.GetValue(_hashKeyFile) is { } file
            ? File.ReadAllText(file).Trim()
            : Environment.GetEnvironmentVariable(HashKeyVariable) is { Length: > 0 } env ? env : null;
        string? name = result.GetValue(_redact);
        return (RedactionPolicy.Parse(name ?? "standard", key), name is not null);
    }

    /// <summary>A note for the user when account ids will be hashed without a key (guessable ids can be confirmed), else null.</summary>
    public static string? UnkeyedNote(ExportSettings settings, IEnumerable<ExportFormat> formats)
    {
        bool hashes = settings.Redaction.HashAccounts || formats.Any(f => settings.PolicyFor(f).HashAccounts);
        return hashes && settings.Redaction.HashKey is null
            ? $"note: account ids are hashed with unkeyed SHA-256; set {HashKeyVariable} or --hash-key-file so that guessable ids cannot be confirmed"
            : null;
    }
}
