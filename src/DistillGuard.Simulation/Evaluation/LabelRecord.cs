using System.Text.Json;

namespace DistillGuard.Simulation.Evaluation;

/// <summary>Ground truth for one account (<c>labels.jsonl</c>).</summary>
/// <param name="AccountId">Account id.</param>
/// <param name="Label"><c>benign</c> or <c>attack</c>.</param>
/// <param name="Persona">Persona name.</param>
/// <param name="Campaign">Campaign name for attack accounts.</param>
public sealed record LabelRecord(string AccountId, string Label, string Persona, string? Campaign)
{
    /// <summary>Whether the account belongs to an attack.</summary>
    public bool IsAttack => Label == "attack";

    /// <summary>Reads a labels file.</summary>
    /// <exception cref="InvalidDataException">A line is malformed (file, line and field named).</exception>
    public static List<LabelRecord> Read(string path)
    {
        var result = new List<LabelRecord>();
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                string Field(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
                    : throw new InvalidDataException($"{path}:{n}: {name}: a string");
                var label = Field("label");
                if (label is not ("benign" or "attack")) throw new InvalidDataException($"{path}:{n}: label: benign or attack (found \"{label}\")");
                string? campaign = r.TryGetProperty("campaign", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                result.Add(new LabelRecord(Field("account_id"), label, r.TryGetProperty("persona", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : label, campaign));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{n}: (line): valid JSON ({e.Message.Split(" Path:")[0]})", e);
            }
        }
        return result;
    }
}
