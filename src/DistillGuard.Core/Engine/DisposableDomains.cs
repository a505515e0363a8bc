namespace DistillGuard.Core.Engine;

/// <summary>The built-in list of disposable e-mail domains, and a reader for user lists in the same format.</summary>
public static class DisposableDomains
{
    private static readonly Lazy<IReadOnlySet<string>> BuiltInList = new(() =>
    {
        using var s = typeof(DisposableDomains).Assembly.GetManifestResourceStream("disposable-email-domains.txt")
            ?? throw new InvalidOperationException("The built-in disposable-domain list is missing from the assembly.");
        return Read(new StreamReader(s));
    });

    /// <summary>The built-in list (lower case).</summary>
    public static IReadOnlySet<string> BuiltIn => BuiltInList.Value;

    /// <summary>Reads a list: one domain per line, <c>#</c> starts a comment, blank lines ignored.</summary>
    public static IReadOnlySet<string> Read(TextReader reader)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            int hash = line.IndexOf('#');
            var d = (hash >= 0 ? line[..hash] : line).Trim().ToLowerInvariant();
            if (d.Length > 0) set.Add(d);
        }
        return set;
    }
}
