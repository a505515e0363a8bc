namespace DistillGuard.Core.Scoring;

/// <summary>One reason behind a score: a stable code, its contribution 0–100 and a human-readable detail.</summary>
/// <param name="Code">Reason code (see <see cref="Signals.ReasonCodes"/>).</param>
/// <param name="Score">Strength of this reason, 0–100.</param>
/// <param name="Detail">What was measured, e.g. <c>612 of 700 exchanges (87%)</c>.</param>
public sealed record Reason(string Code, int Score, string Detail);
