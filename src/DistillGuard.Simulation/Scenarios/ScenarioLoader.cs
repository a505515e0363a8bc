using System.Text.Json;

namespace DistillGuard.Simulation.Scenarios;

/// <summary>Loads and validates scenarios: a file path, or the name of a scenario shipped in <c>scenarios/</c> (embedded in the tool).</summary>
public static class ScenarioLoader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly string[] Patterns = ["diurnal", "always_on", "bursty", "round_robin"];
    private static readonly string[] Networks = ["residential", "office_nat", "campus_nat", "datacenter", "proxy_pool"];

    /// <summary>Names of the scenarios shipped with the tool.</summary>
    public static IReadOnlyList<string> BuiltInNames => typeof(ScenarioLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("scenario.", StringComparison.Ordinal)).Select(n => n["scenario.".Length..^".json".Length]).Order().ToList();

    /// <summary>Loads <paramref name="fileOrName"/>: an existing file, else a built-in scenario name.</summary>
    /// <exception cref="ScenarioException">Not found, not valid JSON, or inconsistent.</exception>
    public static Scenario Load(string fileOrName)
    {
        if (File.Exists(fileOrName))
        {
            using var s = File.OpenRead(fileOrName);
            return Parse(s, fileOrName);
        }
        using var resource = typeof(ScenarioLoader).Assembly.GetManifestResourceStream($"scenario.{fileOrName}.json");
        if (resource is null)
            throw new ScenarioException($"{fileOrName}: no such scenario file, and not a built-in scenario ({string.Join(", ", BuiltInNames)})");
        return Parse(resource, $"scenarios/{fileOrName}.json");
    }

    /// <summary>Parses and validates a scenario document.</summary>
    public static Scenario Parse(Stream json, string name)
    {
        Scenario? s;
        try
        {
            s = JsonSerializer.Deserialize<Scenario>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"{name}: {e.Path ?? "(document)"}: {e.Message.Split(" Path:")[0]} (line {e.LineNumber + 1})", e);
        }
        if (s is null) throw new ScenarioException($"{name}: the document is null");
        Validate(s, name);
        return s;
    }

    private static void Validate(Scenario s, string file)
    {
        void Fail(string field, string expected) => throw new ScenarioException($"{file}: {field}: {expected}");
        if (string.IsNullOrWhiteSpace(s.Name)) Fail("name", "a non-empty name");
        if (s.Days <= 0) Fail("days", "a positive number of days");
        if (s.Models.Count == 0) Fail("models", "at least one model");
        if (s.Personas.Count == 0) Fail("personas", "at least one persona");
        foreach (var (name, pool) in s.Pools)
            if (string.IsNullOrWhiteSpace(pool.Corpus)) Fail($"pools.{name}.corpus", "a corpus file name");
        var campaigns = s.Personas.Where(p => p.Campaign is not null).Select(p => p.Campaign!).ToHashSet();
        for (int i = 0; i < s.Personas.Count; i++)
        {
            var p = s.Personas[i];
            string at = $"personas[{i}] ({p.Name})";
            if (string.IsNullOrWhiteSpace(p.Name)) Fail($"personas[{i}].name", "a non-empty name");
            if (p.Label is not ("benign" or "attack")) Fail($"{at}.label", "benign or attack");
            if (p.Label == "attack" && p.Campaign is null) Fail($"{at}.campaign", "a campaign name for an attack persona");
            if (p.Accounts < 1) Fail($"{at}.accounts", "at least 1");
            if (!Patterns.Contains(p.Activity.Pattern)) Fail($"{at}.activity.pattern", string.Join(", ", Patterns));
            if (p.Activity.Pattern == "round_robin" && p.Exchanges <= 0) Fail($"{at}.exchanges", "a positive total for round_robin activity");
            if (!Networks.Contains(p.Network.Kind)) Fail($"{at}.network.kind", string.Join(", ", Networks));
            if (p.Account.Payment is not ("unique" or "shared" or "none")) Fail($"{at}.account.payment", "unique, shared or none");
            if (p.Content.Count == 0) Fail($"{at}.content", "at least one content source");
            foreach (var c in p.Content.Concat(p.Mix.SelectMany(m => m.Content)))
            {
                if (!s.Pools.ContainsKey(c.Pool)) Fail($"{at}.content.pool", $"a pool defined under pools (\"{c.Pool}\" is not)");
                if (c.Template is not null && !s.Templates.ContainsKey(c.Template)) Fail($"{at}.content.template", $"a template defined under templates (\"{c.Template}\" is not)");
                if (c.SystemPool is not null && !s.Pools.ContainsKey(c.SystemPool)) Fail($"{at}.content.system_pool", $"a pool defined under pools (\"{c.SystemPool}\" is not)");
            }
            foreach (var f in p.Request.Format.Keys)
                if (f is not ("openai" or "anthropic")) Fail($"{at}.request.format", "keys openai and/or anthropic");
            if (p.Request.Models is not null)
                foreach (var m in p.Request.Models.Keys)
                    if (s.Models.All(x => x.Name != m)) Fail($"{at}.request.models", $"models defined under models (\"{m}\" is not)");
            if (p.Request.ToolSource is { } ts && ts != "ide" && !s.Pools.ContainsKey(ts)) Fail($"{at}.request.tool_source", "ide or a pool name");
            if (p.Pivot is not null && s.Models.All(x => x.Name != p.Pivot.Model)) Fail($"{at}.pivot.model", $"a model defined under models (\"{p.Pivot.Model}\" is not)");
            if (p.Replay is not null && !campaigns.Contains(p.Replay.SourceCampaign)) Fail($"{at}.replay.source_campaign", $"a campaign of this scenario (\"{p.Replay.SourceCampaign}\" is not)");
        }
    }
}
