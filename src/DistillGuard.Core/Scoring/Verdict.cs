namespace DistillGuard.Core.Scoring;

/// <summary>The outcome for an account or campaign. Ordered by severity.</summary>
public enum Verdict : byte
{
    /// <summary>No actionable evidence (risk below the suspicious threshold).</summary>
    Benign = 0,
    /// <summary>Evidence worth an analyst's look; not enforced by default.</summary>
    Suspicious = 1,
    /// <summary>Distillation activity; enforced by default policy.</summary>
    Attack = 2,
}

/// <summary>Text forms of <see cref="Verdict"/> as written in findings (<c>benign</c>, <c>suspicious</c>, <c>attack</c>).</summary>
public static class Verdicts
{
    /// <summary>The lower-case name used in findings and exports.</summary>
    public static string Name(this Verdict v) => v switch
    {
        Verdict.Attack => "attack",
        Verdict.Suspicious => "suspicious",
        _ => "benign",
    };

    /// <summary>Parses a verdict name.</summary>
    /// <exception cref="FormatException">Not one of <c>benign</c>, <c>suspicious</c>, <c>attack</c>.</exception>
    public static Verdict Parse(string s) => s switch
    {
        "attack" => Verdict.Attack,
        "suspicious" => Verdict.Suspicious,
        "benign" => Verdict.Benign,
        _ => throw new FormatException($"verdict \"{s}\" is not one of benign, suspicious, attack"),
    };
}
