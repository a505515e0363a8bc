using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Corpora;

/// <summary>
/// Finds the corpora folder: an explicit path, else <c>DISTILLGUARD_CORPORA</c>, else <c>shared/data/corpora</c> in the
/// working directory or any of its ancestors (the repository's sibling <c>../shared</c>).
/// </summary>
public static class CorporaLocator
{
    /// <summary>Environment variable naming the corpora folder.</summary>
    public const string EnvironmentVariable = "DISTILLGUARD_CORPORA";

    /// <summary>Resolves the folder.</summary>
    /// <exception cref="ScenarioException">No folder is given and none is found.</exception>
    public static string Locate(string? explicitPath = null)
    {
        if (explicitPath is not null)
        {
            if (!Directory.Exists(explicitPath)) throw new ScenarioException($"{explicitPath}: corpora folder not found");
            return explicitPath;
        }
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            if (!Directory.Exists(env)) throw new ScenarioException($"{EnvironmentVariable}={env}: corpora folder not found");
            return env;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "shared", "data", "corpora");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new ScenarioException($"corpora folder not found: pass --corpora DIR or set {EnvironmentVariable} (expected ../shared/data/corpora beside the repository)");
    }
}
