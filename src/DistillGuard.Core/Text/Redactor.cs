using System.Text;
using System.Text.RegularExpressions;

namespace DistillGuard.Core.Text;

/// <summary>
/// Makes short, redacted excerpts of prompts for evidence: e-mail addresses, URLs, IP addresses, phone and card-like
/// digit runs, and API keys or long tokens are replaced by placeholders (<c>[email]</c>, <c>[url]</c>, <c>[ip]</c>,
/// <c>[number]</c>, <c>[secret]</c>), whitespace is collapsed and the result is cut to a maximum length.
/// </summary>
/// <remarks>Patterns use <see cref="RegexOptions.NonBacktracking"/>: linear time on any input.</remarks>
public static class Redactor
{
    /// <summary>Default excerpt length in characters.</summary>
    public const int DefaultExcerptLength = 160;

    private static readonly (Regex Pattern, string Placeholder)[] Rules =
    [
        (new Regex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.NonBacktracking), "[email]"),
        (new Regex(@"(?:https?|ftp)://[^\s""'<>]+", RegexOptions.NonBacktracking | RegexOptions.IgnoreCase), "[url]"),
        (new Regex(@"\b(?:sk|pk|rk|ghp|gho|xox[abp]|AKIA|AIza)[-_A-Za-z0-9]{12,}", RegexOptions.NonBacktracking), "[secret]"),
        (new Regex(@"\b[A-Za-z0-9+/_\-]{32,}={0,2}", RegexOptions.NonBacktracking), "[secret]"),
        (new Regex(@"\b(?:\d{1,3}\.){3}\d{1,3}\b", RegexOptions.NonBacktracking), "[ip]"),
        (new Regex(@"\+?\d[\d\s().\-]{7,}\d", RegexOptions.NonBacktracking), "[number]"),
    ];

    /// <summary>Redacts personal data and secrets in <paramref name="text"/>.</summary>
    public static string Redact(string text)
    {
        foreach (var (pattern, placeholder) in Rules) text = pattern.Replace(text, placeholder);
        return text;
    }

    /// <summary>
    /// A redacted excerpt of at most <paramref name="maxLength"/> characters from the start of <paramref name="text"/>,
    /// whitespace collapsed, with an ellipsis when cut.
    /// </summary>
    public static string Excerpt(ReadOnlySpan<char> text, int maxLength = DefaultExcerptLength)
    {
        var sb = new StringBuilder(Math.Min(text.Length, maxLength * 2 + 8));
        bool space = false;
        foreach (var c in text)
        {
            if (sb.Length >= maxLength * 2) break;
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (char.IsControl(c)) continue;
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        bool truncatedSource = sb.Length >= maxLength * 2;
        if (truncatedSource)
        {
            // Drop the word cut in half so a partial address or key cannot slip past the patterns.
            int lastSpace = sb.ToString().LastIndexOf(' ');
            if (lastSpace > 0) sb.Length = lastSpace;
        }
        var redacted = Redact(sb.ToString());
        if (redacted.Length > maxLength) return redacted[..(maxLength - 1)].TrimEnd() + "…";
        return truncatedSource ? redacted + "…" : redacted;
    }
}
