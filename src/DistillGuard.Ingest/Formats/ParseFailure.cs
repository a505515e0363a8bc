namespace DistillGuard.Ingest.Formats;

/// <summary>Why a line could not be parsed: the field and what was expected there.</summary>
/// <param name="Field">JSON path of the field.</param>
/// <param name="Expected">What was expected (and found).</param>
public readonly record struct ParseFailure(string Field, string Expected);

/// <summary>Thrown inside the parsers to abandon a line; caught by the line reader and turned into an <see cref="Readers.IngestError"/>.</summary>
public sealed class FormatFailureException(string field, string expected) : Exception($"{field}: {expected}")
{
    /// <summary>The failure.</summary>
    public ParseFailure Failure { get; } = new(field, expected);
}
