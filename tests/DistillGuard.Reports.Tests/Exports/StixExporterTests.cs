using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DistillGuard.Core.Findings;
using DistillGuard.Reports.Exports;

namespace DistillGuard.Reports.Tests.Exports;

public partial class StixExporterTests
{
    [GeneratedRegex("^([a-z0-9-]+)--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex StixId();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")]
    private static partial Regex StixTime();

    private static readonly string[] Sros = ["relationship", "sighting"];

    private static (JsonObject Bundle, List<JsonObject> Objects) Build(FindingsDocument doc, Tlp tlp = Tlp.Amber)
    {
        var writer = new StringWriter();
        StixExporter.Write(writer, doc, "Example Provider T&S", tlp);
        var bundle = (JsonObject)JsonNode.Parse(writer.ToString())!;
        return (bundle, bundle["objects"]!.AsArray().Select(o => o!.AsObject()).ToList());
    }

    private static FindingsDocument Strict => Redaction.Apply(CampaignFindings.Doc, RedactionPolicy.Strict);

    [Fact]
    public void Every_object_is_well_formed_and_every_reference_resolves()
    {
        foreach (var doc in new[] { CampaignFindings.Doc, Strict })
        {
            var (bundle, objects) = Build(doc);
            Assert.Equal("bundle", bundle["type"]!.GetValue<string>());
            Assert.Matches(StixId(), bundle["id"]!.GetValue<string>());
            var ids = objects.Select(o => o["id"]!.GetValue<string>()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            var known = ids.ToHashSet();
            var identity = objects.Single(o => o["type"]!.GetValue<string>() == "identity");
            Assert.Equal("Example Provider T&S", identity["name"]!.GetValue<string>());

            foreach (var o in objects)
            {
                string type = o["type"]!.GetValue<string>(), id = o["id"]!.GetValue<string>();
                Assert.Equal(type, StixId().Match(id).Groups[1].Value);
                Assert.Equal("2.1", o["spec_version"]!.GetValue<string>());
                bool isObservable = type is "ipv4-addr" or "ipv6-addr" or StixExporter.TemplateObservableType;
                if (!isObservable)
                {
                    Assert.Matches(StixTime(), o["created"]!.GetValue<string>());
                    if (type != "marking-definition") Assert.Matches(StixTime(), o["modified"]!.GetValue<string>());
                }
                if (o["created_by_ref"] is { } by) Assert.Equal(identity["id"]!.GetValue<string>(), by.GetValue<string>());
                foreach (var m in o["object_marking_refs"]?.AsArray() ?? []) Assert.Contains(m!.GetValue<string>(), known);
                if (Sros.Contains(type))
                {
                    Assert.Contains(o["source_ref"]!.GetValue<string>(), known);
                    Assert.Contains(o["target_ref"]!.GetValue<string>(), known);
                }
                if (type == "indicator")
                {
                    Assert.Equal("stix", o["pattern_type"]!.GetValue<string>());
                    Assert.Matches(@"^\[[a-z0-9-]+:[a-z_]+ (=|IN|ISSUBSET) .+\]$", o["pattern"]!.GetValue<string>());
                    Assert.Matches(StixTime(), o["valid_from"]!.GetValue<string>());
                }
                foreach (var ext in (o["extensions"] as JsonObject ?? []).Select(kv => kv.Key)) Assert.Contains(ext, known);
            }
        }
    }

    [Fact]
    public void Campaigns_techniques_proxies_and_indicators_are_linked()
    {
        var doc = CampaignFindings.Doc;
        var campaign = doc.Campaigns.OrderByDescending(c => c.AccountCount).First();
        var (_, objects) = Build(doc);
        JsonObject ById(string id) => objects.Single(o => o["id"]!.GetValue<string>() == id);
        var rels = objects.Where(o => o["type"]!.GetValue<string>() == "relationship").ToList();

        var stixCampaign = objects.Single(o => o["type"]!.GetValue<string>() == "campaign" && o["aliases"]![0]!.GetValue<string>() == campaign.CampaignId);
        string cid = stixCampaign["id"]!.GetValue<string>();

        var used = rels.Where(r => r["relationship_type"]!.GetValue<string>() == "uses" && r["source_ref"]!.GetValue<string>() == cid)
            .Select(r => ById(r["target_ref"]!.GetValue<string>())).ToList();
        var atlas = used.Where(o => o["type"]!.GetValue<string>() == "attack-pattern")
            .Select(o => o["external_references"]![0]!).ToList();
        Assert.All(atlas, r => Assert.Equal("mitre-atlas", r!["source_name"]!.GetValue<string>()));
        Assert.Equal(campaign.Techniques.Select(t => t.Id).Order(), atlas.Select(r => r!["external_id"]!.GetValue<string>()).Order());

        var infra = Assert.Single(used, o => o["type"]!.GetValue<string>() == "infrastructure");
        Assert.Equal("anonymization", infra["infrastructure_types"]![0]!.GetValue<string>());
        var exits = rels.Where(r => r["relationship_type"]!.GetValue<string>() == "consists-of" && r["source_ref"]!.GetValue<string>() == infra["id"]!.GetValue<string>())
            .Select(r => ById(r["target_ref"]!.GetValue<string>())).ToList();
        Assert.Equal(campaign.Indicators.Where(i => i.Kind is "ip" or "network").Select(i => i.Value).Order(), exits.Select(e => e["value"]!.GetValue<string>()).Order());
        // STIX 2.1 §2.9: SCO ids are UUIDv5 of the id-contributing properties in the STIX namespace (computed with Python's uuid.uuid5).
        Assert.Contains(exits, e => e["id"]!.GetValue<string>() == "ipv4-addr--40495fb2-6385-5166-bb8f-bf50ce06f444" && e["value"]!.GetValue<string>() == "198.51.100.10");

        var indicating = rels.Where(r => r["relationship_type"]!.GetValue<string>() == "indicates" && r["target_ref"]!.GetValue<string>() == cid)
            .Select(r => ById(r["source_ref"]!.GetValue<string>())["pattern"]!.GetValue<string>()).ToList();
        Assert.Contains("[ipv4-addr:value = '198.51.100.10']", indicating);
        Assert.Contains(indicating, p => p.StartsWith("[user-account:user_id IN ('hydra-00', 'hydra-01'", StringComparison.Ordinal));
        var templates = campaign.Indicators.Where(i => i.Kind == "prompt_template").ToList();
        Assert.NotEmpty(templates);
        foreach (var t in templates)
            Assert.Contains($"[{StixExporter.TemplateObservableType}:fingerprint = '{t.Hash[(t.Hash.IndexOf(':') + 1)..]}']", indicating);

        var extension = objects.Single(o => o["type"]!.GetValue<string>() == "extension-definition");
        Assert.Equal("new-sco", extension["extension_types"]![0]!.GetValue<string>());
        Assert.All(objects.Where(o => o["type"]!.GetValue<string>() == StixExporter.TemplateObservableType),
            o => Assert.NotNull(o["extensions"]![extension["id"]!.GetValue<string>()]));
    }

    [Fact]
    public void Under_strict_redaction_exits_are_networks_and_accounts_are_hashes()
    {
        var (_, objects) = Build(Strict);
        Assert.DoesNotContain(objects, o => o["value"]?.GetValue<string>() is { } v && v.StartsWith("198.51.100.1", StringComparison.Ordinal));
        Assert.Contains(objects, o => o["id"]!.GetValue<string>() == "ipv4-addr--1ea47840-aa39-5aa8-b4a2-cd203eb6662a");
        var patterns = objects.Where(o => o["pattern"] is not null).Select(o => o["pattern"]!.GetValue<string>()).ToList();
        Assert.Contains("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", patterns);
        Assert.DoesNotContain(patterns, p => p.Contains("hydra-", StringComparison.Ordinal));
        Assert.Contains(patterns, p => Regex.IsMatch(p, @"^\[user-account:user_id IN \('acct:[0-9a-f]{16}'"));
    }

    [Fact]
    public void Ids_and_content_are_stable_for_the_same_findings()
    {
        var a = new StringWriter();
        var b = new StringWriter();
        StixExporter.Write(a, CampaignFindings.Doc);
        StixExporter.Write(b, CampaignFindings.Doc with { GeneratedAt = DateTimeOffset.UnixEpoch.AddDays(3) });
        Assert.Equal(a.ToString(), b.ToString());
    }

    [Fact]
    public void No_prompt_text_email_or_payment_data_is_shared()
    {
        foreach (var doc in new[] { CampaignFindings.Doc, Strict })
        {
            var writer = new StringWriter();
            StixExporter.Write(writer, doc);
            var text = writer.ToString();
            Leaks.AssertNone(text);
            Assert.DoesNotContain("pm_fp_shared_1", text);
        }
    }

    [Theory]
    [InlineData(Tlp.White, "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")]
    [InlineData(Tlp.Green, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")]
    [InlineData(Tlp.Amber, "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82")]
    [InlineData(Tlp.Red, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed")]
    public void Every_object_carries_the_chosen_tlp_marking(Tlp tlp, string markingId)
    {
        var (_, objects) = Build(CampaignFindings.Doc, tlp);
        Assert.Contains(objects, o => o["id"]!.GetValue<string>() == markingId);
        Assert.All(objects.Where(o => o["created_by_ref"] is not null), o => Assert.Equal(markingId, o["object_marking_refs"]![0]!.GetValue<string>()));
    }
}
