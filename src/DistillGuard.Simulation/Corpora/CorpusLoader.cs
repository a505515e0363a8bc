using System.IO.Compression;
using System.Text.Json;
using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Corpora;

/// <summary>Loads the pools a scenario names from the gzipped JSONL corpora (see ../shared/data/corpora/MANIFEST.md).</summary>
public static class CorpusLoader
{
    /// <summary>Loads every pool of <paramref name="scenario"/>.</summary>
    /// <exception cref="ScenarioException">A corpus file is missing, or a pool ends up empty.</exception>
    public static Dictionary<string, ContentPool> Load(Scenario scenario, string corporaDir)
    {
        var pools = new Dictionary<string, ContentPool>();
        foreach (var (name, spec) in scenario.Pools)
        {
            var path = Path.Combine(corporaDir, spec.Corpus);
            if (!File.Exists(path)) throw new ScenarioException($"pools.{name}.corpus: corpus file {spec.Corpus} not found in {corporaDir}");
            var items = new List<PoolItem>();
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            string? line;
            int lineNo = 0;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNo++;
                if (spec.Limit is int limit && items.Count >= limit) break;
                if (string.IsNullOrWhiteSpace(line)) continue;
                JsonDocument doc;
                try { doc = JsonDocument.Parse(line); }
                catch (JsonException e) { throw new ScenarioException($"{path}:{lineNo}: (line): valid JSON ({e.Message.Split(" Path:")[0]})"); }
                using (doc)
                {
                    var item = ToItem(doc.RootElement, spec);
                    if (item is not null) items.Add(item);
                }
            }
            if (items.Count == 0) throw new ScenarioException($"pools.{name}: no rows of {spec.Corpus} match the pool's filters");
            pools[name] = new ContentPool(name, items);
        }
        return pools;
    }

    private static PoolItem? ToItem(JsonElement row, PoolSpec spec)
    {
        bool isTemplate = row.TryGetProperty("template", out var t) && (t.ValueKind == JsonValueKind.True || (t.ValueKind == JsonValueKind.String && t.GetString() == "True"));
        if (spec.TemplateRows is bool wanted && wanted != isTemplate) return null;
        if (spec.Where is not null)
            foreach (var (field, value) in spec.Where)
                if (!row.TryGetProperty(field, out var v) || Scalar(v) != value) return null;
        if (!row.TryGetProperty(spec.Field, out var textElement) || textElement.ValueKind != JsonValueKind.String) return null;
        var text = Cut(textElement.GetString()!, spec.MaxChars);
        if (string.IsNullOrWhiteSpace(text)) return null;

        List<string>? turns = null;
        if (row.TryGetProperty("turns", out var ts) && ts.ValueKind == JsonValueKind.Array)
        {
            turns = new List<string>();
            foreach (var turn in ts.EnumerateArray())
                if (turn.ValueKind == JsonValueKind.Object && turn.TryGetProperty("role", out var role) && role.GetString() == "user"
                    && turn.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                    turns.Add(Cut(c.GetString()!, spec.MaxChars));
            if (turns.Count == 0) turns = null;
        }
        string? system = row.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? Cut(s.GetString()!, spec.MaxChars) : null;
        var tools = Tools(row, "functions") ?? Tools(row, "tools");
        return new PoolItem(text, turns, system, tools);
    }

    private static List<ToolDef>? Tools(JsonElement row, string field)
    {
        if (!row.TryGetProperty(field, out var f)) return null;
        JsonElement list = f;
        JsonDocument? parsed = null;
        try
        {
            if (f.ValueKind == JsonValueKind.String)
            {
                try { parsed = JsonDocument.Parse(f.GetString()!); } catch (JsonException) { return null; }
                list = parsed.RootElement;
            }
            var result = new List<ToolDef>();
            if (list.ValueKind == JsonValueKind.Object) Add(list, result);
            else if (list.ValueKind == JsonValueKind.Array)
                foreach (var e in list.EnumerateArray()) if (e.ValueKind == JsonValueKind.Object) Add(e, result);
            return result.Count == 0 ? null : result;
        }
        finally
        {
            parsed?.Dispose();
        }
    }

    private static void Add(JsonElement e, List<ToolDef> result)
    {
        if (e.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object) e = fn;
        if (!e.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String) return;
        string description = e.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? Cut(d.GetString()!, 400) : "";
        string parameters = e.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.GetRawText().Replace("\"type\": \"dict\"", "\"type\": \"object\"").Replace("\"type\":\"dict\"", "\"type\":\"object\"")
            : "{\"type\":\"object\",\"properties\":{}}";
        result.Add(new ToolDef(n.GetString()!, description, parameters));
    }

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
