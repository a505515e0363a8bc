namespace DistillGuard.Core.Signals;

/// <summary>One lexicon entry of a signal.</summary>
/// <param name="Text">The phrase as written (it is normalised before matching; a trailing <c>*</c> marks a stem).</param>
/// <param name="Weight">Evidence strength of the phrase alone, 0–1.</param>
/// <param name="Group">Signal-specific group used by co-occurrence rules (0 = none).</param>
public readonly record struct Phrase(string Text, float Weight, byte Group = 0);
