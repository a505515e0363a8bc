using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DistillGuard.Simulation.Corpora;
using DistillGuard.Simulation.Generation;
using DistillGuard.Simulation.Scenarios;


namespace DistillGuard.Simulation.Tests.Generation;

public sealed class TrafficGeneratorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dg-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Tiny = """
    {"name":"tiny","days":2,"start":"2026-03-02T00:00:00Z",
     "models":[{"name":"m1"},{"name":"m2","release_day":1}],
     "pools":{"q":{"corpus":"gsm8k.jsonl.gz","limit":200},"chat":{"corpus":"sharegpt_sample.jsonl.gz","limit":200}},
     "templates":{"t":{"system":"Be thorough.","user":["{item}\n\nShow your full reasoning."]}},
     "followups":["Why?"],
     "personas":[
       {"name":"people","accounts":20,"exchanges_per_account":[5,20],"session":{"turns":[1,3]},"content":[{"pool":"chat"}],
        "request":{"format":{"openai":0.5,"anthropic":0.5},"reasoning":0.5}},
       {"name":"farm","label":"attack","campaign":"c1","accounts":5,"exchanges":300,"activity":{"pattern":"round_robin","gap_shape":3},
        "account":{"payment":"shared","payment_pool":2,"created_within_hours":5},"network":{"kind":"proxy_pool","pool_size":6,"networks":2,"ips_per_account":2},
        "request":{"format":{"anthropic":1},"reasoning":1.0},"pivot":{"model":"m2","share":1.0,"delay_hours":1},"content":[{"pool":"q","template":"t"}]},
       {"name":"replayer","label":"attack","campaign":"c2","accounts":1,"exchanges_per_account":[30,30],"activity":{"pattern":"always_on","window":[1,2]},
        "request":{"format":{"anthropic":1}},"replay":{"share":1.0,"source_campaign":"c1"},"content":[{"pool":"q"}]}]}
    """;

    private GenerationResult Generate(string sub, int seed)
    {
        var scenario = ScenarioLoader.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Tiny)), "tiny.json");
        var pools = CorpusLoader.Load(scenario, TestSupport.Corpora.Root);
        return new TrafficGenerator(scenario, pools, seed, 1.0).Run(Path.Combine(_dir, sub));
    }

    private static List<JsonElement> Lines(string gz)
    {
        using var s = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        using var r = new StreamReader(s);
        var list = new List<JsonElement>();
        string? l;
        while ((l = r.ReadLine()) is not null) list.Add(JsonDocument.Parse(l).RootElement.Clone());
        return list;
    }

    [Fact]
    public void Same_seed_gives_the_same_traffic_and_another_seed_does_not()
    {
        var a = Generate("a", 7);
        var b = Generate("b", 7);
        var c = Generate("c", 8);
        string Content(GenerationResult g) => string.Join('\n', Lines(g.TrafficPath).Select(e => e.GetRawText()));
        Assert.Equal(Content(a), Content(b));
        Assert.NotEqual(Content(a), Content(c));
        Assert.Equal(File.ReadAllText(a.LabelsPath), File.ReadAllText(b.LabelsPath));
    }

    [Fact]
    public void Traffic_is_in_time_order_and_every_account_is_labelled_and_registered()
    {
        var g = Generate("o", 3);
        var lines = Lines(g.TrafficPath);
        var times = lines.Select(l => DateTimeOffset.Parse(l.GetProperty("timestamp").GetString()!)).ToList();
        Assert.True(times.SequenceEqual(times.Order()), "timestamps must not decrease");
        var labels = File.ReadAllLines(g.LabelsPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("account_id").GetString()).ToHashSet();
        var accounts = File.ReadAllLines(g.AccountsPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("account_id").GetString()).ToHashSet();
        Assert.Equal(labels, accounts);
        Assert.All(lines, l => Assert.Contains(l.GetProperty("account_id").GetString(), labels));
        Assert.Equal(g.Exchanges, lines.Count);
        Assert.Equal(300, g.PerPersona["farm"]);
    }

    [Fact]
    public void Campaign_traits_appear_in_the_traffic()
    {
        var g = Generate("t", 5);
        var lines = Lines(g.TrafficPath);
        var farm = lines.Where(l => l.GetProperty("request").TryGetProperty("system", out var s) && s.GetString() == "Be thorough.").ToList();
        Assert.Equal(300, farm.Count);
        // Pivot: after release day 1 + 1 h, the campaign uses the new model.
        var late = farm.Where(l => DateTimeOffset.Parse(l.GetProperty("timestamp").GetString()!) > new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero));
        Assert.All(late, l => Assert.Equal("m2", l.GetProperty("request").GetProperty("model").GetString()));
        // Replay: the replayer sends back thinking signatures issued to the farm.
        var issued = farm.SelectMany(l => l.GetProperty("response").GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "thinking").Select(b => b.GetProperty("signature").GetString()).ToHashSet();
        var replayer = File.ReadAllLines(g.LabelsPath).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("persona").GetString() == "replayer").GetProperty("account_id").GetString();
        var replayed = lines.Where(l => l.GetProperty("account_id").GetString() == replayer)
            .SelectMany(l => l.GetProperty("request").GetProperty("messages").EnumerateArray())
            .Where(m => m.GetProperty("content").ValueKind == JsonValueKind.Array)
            .SelectMany(m => m.GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "thinking").Select(b => b.GetProperty("signature").GetString()).ToList();
        Assert.NotEmpty(replayed);
        Assert.All(replayed, s => Assert.Contains(s, issued));
        // Shared payment methods: two cards for five accounts.
        var farmIds = File.ReadAllLines(g.LabelsPath).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("persona").GetString() == "farm").Select(l => l.GetProperty("account_id").GetString()).ToHashSet();
        var cards = File.ReadAllLines(g.AccountsPath).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(a => farmIds.Contains(a.GetProperty("account_id").GetString())).Select(a => a.GetProperty("payment_fingerprint").GetString()).ToList();
        Assert.Equal(5, cards.Count);
        Assert.True(cards.Distinct().Count() <= 2);
    }

    [Fact]
    public void A_missing_corpus_is_a_clear_error()
    {
        var scenario = ScenarioLoader.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Tiny.Replace("gsm8k.jsonl.gz", "missing.jsonl.gz"))), "tiny.json");
        var e = Assert.Throws<ScenarioException>(() => CorpusLoader.Load(scenario, TestSupport.Corpora.Root));
        Assert.Contains("pools.q.corpus", e.Message);
        Assert.Contains("missing.jsonl.gz", e.Message);
    }
}
