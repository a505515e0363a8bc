namespace DistillGuard.Ingest.Readers;

/// <summary>A malformed input line, reported and skipped.</summary>
/// <param name="Source">File name (or <c>-</c> for standard input).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Field">JSON path of the offending field (<c>timestamp</c>, <c>request.messages[2].content</c>), or <c>(line)</c> when the line itself is not valid JSON.</param>
/// <param name="Expected">What was expected, and what was found when known.</param>
public sealed record IngestError(string Source, long Line, string Field, string Expected)
{
    /// <summary>The error as <c>file:line: field: what was expected</c>.</summary>
    public override string ToString() => $"{Source}:{Line}: {Field}: {Expected}";
}
