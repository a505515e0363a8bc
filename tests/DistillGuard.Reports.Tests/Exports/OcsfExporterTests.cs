using System.Text.Json.Nodes;
using DistillGuard.Core.Findings;
using DistillGuard.Reports.Exports;

namespace DistillGuard.Reports.Tests.Exports;

public class OcsfExporterTests
{
    private static List<JsonObject> Parse(FindingsDocument doc, OcsfActivity activity = OcsfActivity.Create)
    {
        var writer = new StringWriter();
        OcsfExporter.Write(writer, doc, activity);
        return writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();
    }

    [Fact]
    public void One_finding_per_campaign_and_per_attack_account_each_meeting_the_schema()
    {
        var doc = CampaignFindings.Doc;
        Assert.NotEmpty(doc.Campaigns);
        var events = Parse(doc);
        Assert.Equal(doc.Campaigns.Count + doc.Accounts.Count(a => a.Verdict == "attack"), events.Count);
        foreach (var e in events) Assert.Empty(OcsfSchema.Violations(e));
        var uids = events.Select(e => e["finding_info"]!["uid"]!.GetValue<string>()).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
    }

    [Fact]
    public void The_campaign_finding_carries_atlas_techniques_observables_and_times()
    {
        var doc = CampaignFindings.Doc;
        var campaign = doc.Campaigns.OrderByDescending(c => c.AccountCount).First();
        var e = Parse(doc).Single(x => x["finding_info"]!["uid"]!.GetValue<string>() == campaign.CampaignId);

        Assert.Equal(200401, e["type_uid"]!.GetValue<int>());
        Assert.Equal(campaign.RiskScore, e["risk_score"]!.GetValue<int>());
        Assert.Equal(campaign.FirstSeen!.Value.ToUnixTimeMilliseconds(), e["finding_info"]!["first_seen_time"]!.GetValue<long>());
        Assert.Equal(campaign.LastSeen!.Value.ToUnixTimeMilliseconds(), e["finding_info"]!["last_seen_time"]!.GetValue<long>());

        // Sub-techniques sit under their parent technique.
        var attacks = e["finding_info"]!["attacks"]!.AsArray().Select(a => a!.AsObject()).ToList();
        var extract = attacks.Single(a => a["sub_technique"]?["uid"]?.GetValue<string>() == "AML.T0024.002");
        Assert.Equal("AML.T0024", extract["technique"]!["uid"]!.GetValue<string>());
        Assert.Equal("AML.TA0010", extract["tactic"]!["uid"]!.GetValue<string>());
        Assert.Contains(attacks, a => a["technique"]?["uid"]?.GetValue<string>() == "AML.T0040");
        var found = attacks.Select(a => (a["sub_technique"] ?? a["technique"])!["uid"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(campaign.Techniques.Select(t => t.Id).Order(), found);

        var observables = e["observables"]!.AsArray().Select(o => o!.AsObject()).ToList();
        var accountIds = observables.Where(o => o["type_id"]!.GetValue<int>() == 31).Select(o => o["value"]!.GetValue<string>()).Order();
        Assert.Equal(campaign.AccountIds.Order(), accountIds);
        foreach (var ip in campaign.Indicators.Where(i => i.Kind == "ip"))
            Assert.Contains(observables, o => o["type_id"]!.GetValue<int>() == 2 && o["value"]!.GetValue<string>() == ip.Value);
        Assert.Contains(observables, o => o["name"]!.GetValue<string>() == "unmapped.payment_fingerprint_hash" && o["type_id"]!.GetValue<int>() == 8);

        var anomalies = e["anomaly_analyses"]![0]!["anomalies"]!.AsArray();
        Assert.Equal(campaign.Reasons.Select(r => r.Code), anomalies.Select(a => a!["observation_parameter"]!.GetValue<string>()));
        Assert.Equal(campaign.Examples.Count, e["evidences"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(OcsfActivity.Update, 200402, 1)]
    [InlineData(OcsfActivity.Close, 200403, 4)]
    public void Update_and_close_activities_set_type_uid_and_status(OcsfActivity activity, int typeUid, int status)
    {
        foreach (var e in Parse(CampaignFindings.Doc, activity))
        {
            Assert.Equal(typeUid, e["type_uid"]!.GetValue<int>());
            Assert.Equal(status, e["status_id"]!.GetValue<int>());
            Assert.Empty(OcsfSchema.Violations(e));
        }
    }

    [Fact]
    public void The_same_findings_give_the_same_bytes()
    {
        var a = new StringWriter();
        var b = new StringWriter();
        OcsfExporter.Write(a, CampaignFindings.Doc);
        OcsfExporter.Write(b, CampaignFindings.Doc);
        Assert.Equal(a.ToString(), b.ToString());
    }

    [Fact]
    public void Strict_exports_hold_no_prompt_text_email_or_raw_ip()
    {
        var doc = Redaction.Apply(CampaignFindings.Doc, RedactionPolicy.Strict);
        var writer = new StringWriter();
        OcsfExporter.Write(writer, doc);
        var text = writer.ToString();
        Leaks.AssertNone(text);
        foreach (var ip in CampaignFindings.Doc.Campaigns.SelectMany(c => c.Indicators).Where(i => i.Kind == "ip"))
            Assert.DoesNotContain("\"" + ip.Value + "\"", text);
        Assert.Contains("redaction:strict", text);
    }

    [Fact]
    public void Standard_exports_hold_only_short_redacted_excerpts()
    {
        var writer = new StringWriter();
        OcsfExporter.Write(writer, CampaignFindings.Doc);
        var text = writer.ToString();
        Assert.DoesNotContain(CampaignFindings.LeakedEmail, text);
        foreach (var e in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!))
            foreach (var ev in e["evidences"]!.AsArray())
                Assert.True(ev!["data"]!["excerpt"]!.GetValue<string>().Length <= DistillGuard.Core.Text.Redactor.DefaultExcerptLength);
    }
}
