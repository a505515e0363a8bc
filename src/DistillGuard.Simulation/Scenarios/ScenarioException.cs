namespace DistillGuard.Simulation.Scenarios;

/// <summary>A scenario (or its corpora) is invalid: the message names the file, the field and what was expected.</summary>
public sealed class ScenarioException(string message, Exception? inner = null) : Exception(message, inner);
