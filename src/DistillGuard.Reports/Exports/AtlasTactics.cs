namespace DistillGuard.Reports.Exports;

/// <summary>MITRE ATLAS tactics of the techniques DistillGuard reports, and the technique pages.</summary>
internal static class AtlasTactics
{
    /// <summary>The tactic (id, name) a technique belongs to.</summary>
    public static (string Id, string Name) Of(string technique) => technique switch
    {
        "AML.T0024.002" or "AML.T0024" => ("AML.TA0010", "Exfiltration"),
        "AML.T0040" => ("AML.TA0000", "AI Model Access"),
        "AML.T0008.005" or "AML.T0008" => ("AML.TA0003", "Resource Development"),
        "AML.T0021" => ("AML.TA0003", "Resource Development"),
        "AML.T0005.001" or "AML.T0005" => ("AML.TA0001", "AI Attack Staging"),
        _ => ("", ""),
    };

    /// <summary>The parent technique (id, name) of a sub-technique, or null for a top-level technique.</summary>
    public static (string Id, string Name)? ParentOf(string technique) => technique switch
    {
        "AML.T0024.002" => ("AML.T0024", "Exfiltration via AI Inference API"),
        "AML.T0008.005" => ("AML.T0008", "Acquire Infrastructure"),
        "AML.T0005.001" => ("AML.T0005", "Create Proxy AI Model"),
        _ => null,
    };

    /// <summary>The ATLAS page of a technique.</summary>
    public static string Url(string technique) => "https://atlas.mitre.org/techniques/" + technique;
}
