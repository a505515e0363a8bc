using System.Text;
using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Tests.Scenarios;

public class ScenarioLoaderTests
{
    private static Scenario Parse(string json) => ScenarioLoader.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");

    private const string Minimal = """
    {"name":"t","days":1,"models":[{"name":"m"}],"pools":{"p":{"corpus":"gsm8k.jsonl.gz"}},
     "personas":[{"name":"x","accounts":2,"content":[{"pool":"p"}]}]}
    """;

    [Fact]
    public void Built_in_scenarios_load()
    {
        Assert.Contains("small", ScenarioLoader.BuiltInNames);
        var s = ScenarioLoader.Load("small");
        Assert.Equal("small", s.Name);
        Assert.Contains(s.Personas, p => p.Label == "attack");
        Assert.Contains(s.Personas, p => p.Label == "benign");
    }

    [Fact]
    public void A_minimal_scenario_gets_defaults() => Assert.Equal("diurnal", Parse(Minimal).Personas[0].Activity.Pattern);

    [Theory]
    [InlineData("\"pool\":\"p\"", "\"pool\":\"nope\"", "content.pool", "nope")]
    [InlineData("\"name\":\"x\",", "\"name\":\"x\",\"label\":\"evil\",", "label", "benign or attack")]
    [InlineData("\"name\":\"x\",", "\"name\":\"x\",\"label\":\"attack\",", "campaign", "campaign name")]
    [InlineData("\"accounts\":2", "\"accounts\":2,\"activity\":{\"pattern\":\"round_robin\"}", "exchanges", "round_robin")]
    [InlineData("\"accounts\":2", "\"accounts\":2,\"network\":{\"kind\":\"satellite\"}", "network.kind", "residential")]
    [InlineData("\"days\":1", "\"days\":0", "days", "positive")]
    public void Inconsistent_scenarios_are_rejected_with_the_field(string find, string replace, string field, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => Parse(Minimal.Replace(find, replace)));
        Assert.Contains(field, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test.json: ", e.Message);
    }

    [Fact]
    public void Unknown_fields_and_bad_json_are_rejected_with_their_position()
    {
        var unknown = Assert.Throws<ScenarioException>(() => Parse(Minimal.Replace("\"days\":1", "\"days\":1,\"dayz\":2")));
        Assert.Contains("dayz", unknown.Message);
        var broken = Assert.Throws<ScenarioException>(() => Parse(Minimal[..40]));
        Assert.Contains("line", broken.Message);
    }

    [Fact]
    public void An_unknown_name_lists_the_built_in_scenarios()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("no-such-scenario"));
        Assert.Contains("small", e.Message);
    }
}
