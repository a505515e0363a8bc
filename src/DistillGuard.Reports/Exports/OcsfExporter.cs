using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DistillGuard.Core.Findings;

namespace DistillGuard.Reports.Exports;

/// <summary>
/// Writes findings as OCSF Detection Findings (class_uid 2004, category_uid 2 Findings; OCSF schema 1.5.0), one JSON
/// object per line: one finding per campaign and one per attack account. <c>type_uid</c> is 200401/200402/200403 for
/// create/update/close (<see cref="OcsfActivity"/>). MITRE ATLAS techniques go in <c>finding_info.attacks</c>,
/// example exchanges in <c>evidences</c>, accounts, IPs, networks and hashed payment and template fingerprints in
/// <c>observables</c>, and behavioural reasons in <c>anomaly_analyses</c>. Output depends only on the findings, so the
/// same findings give byte-identical exports.
/// </summary>
public static class OcsfExporter
{
    /// <summary>OCSF schema version the output conforms to.</summary>
    public const string SchemaVersion = "1.5.0";

    /// <summary>Detection Finding class uid.</summary>
    public const int ClassUid = 2004;

    /// <summary>Findings category uid.</summary>
    public const int CategoryUid = 2;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The findings as OCSF events.</summary>
    public static List<JsonObject> Build(FindingsDocument doc, OcsfActivity activity = OcsfActivity.Create)
    {
        var events = new List<JsonObject>();
        long time = doc.GeneratedAt.ToUnixTimeMilliseconds();
        foreach (var c in doc.Campaigns) events.Add(Campaign(doc, c, activity, time));
        foreach (var a in doc.Accounts.Where(a => a.Verdict == "attack")) events.Add(Account(doc, a, activity, time));
        return events;
    }

    /// <summary>Writes the events as JSON Lines.</summary>
    public static void Write(TextWriter writer, FindingsDocument doc, OcsfActivity activity = OcsfActivity.Create)
    {
        foreach (var e in Build(doc, activity)) writer.WriteLine(e.ToJsonString(Json));
    }

    private static JsonObject Base(FindingsDocument doc, OcsfActivity activity, long time, string verdict, int risk, string uid)
    {
        int severity = verdict == "attack" ? (risk >= 90 ? 5 : 4) : 3;
        int confidence = risk >= 85 ? 3 : risk >= 60 ? 2 : 1;
        int riskLevel = risk >= 90 ? 4 : risk >= 70 ? 3 : risk >= 40 ? 2 : 1;
        return new JsonObject
        {
            ["activity_id"] = (int)activity,
            ["activity_name"] = activity.ToString(),
            ["category_uid"] = CategoryUid,
            ["category_name"] = "Findings",
            ["class_uid"] = ClassUid,
            ["class_name"] = "Detection Finding",
            ["type_uid"] = ClassUid * 100 + (int)activity,
            ["type_name"] = $"Detection Finding: {activity}",
            ["time"] = time,
            ["severity_id"] = severity,
            ["severity"] = severity switch { 5 => "Critical", 4 => "High", _ => "Medium" },
            ["status_id"] = activity == OcsfActivity.Close ? 4 : 1,
            ["status"] = activity == OcsfActivity.Close ? "Resolved" : "New",
            ["confidence_id"] = confidence,
            ["confidence"] = confidence switch { 3 => "High", 2 => "Medium", _ => "Low" },
            ["confidence_score"] = risk,
            ["risk_score"] = risk,
            ["risk_level_id"] = riskLevel,
            ["risk_level"] = riskLevel switch { 4 => "Critical", 3 => "High", 2 => "Medium", _ => "Low" },
            ["is_alert"] = verdict == "attack" && activity != OcsfActivity.Close,
            ["metadata"] = new JsonObject
            {
                ["version"] = SchemaVersion,
                ["product"] = new JsonObject
                {
                    ["name"] = "DistillGuard",
                    ["vendor_name"] = "DistillGuard contributors",
                    ["version"] = doc.Tool.Version,
                },
                ["uid"] = $"distillguard:{uid}:{(int)activity}",
                ["log_name"] = "distillguard.findings",
                ["labels"] = new JsonArray("distillation", $"redaction:{doc.Redaction}"),
            },
        };
    }

    private static JsonObject Campaign(FindingsDocument doc, CampaignFinding c, OcsfActivity activity, long time)
    {
        var e = Base(doc, activity, time, c.Verdict, c.RiskScore, c.CampaignId);
        e["message"] = $"Distillation campaign {c.CampaignId} ({c.Label}): {c.AccountCount:N0} accounts, {c.ExchangeCount:N0} exchanges, risk {c.RiskScore}, verdict {c.Verdict}.";
        Times(e, c.FirstSeen, c.LastSeen);
        e["finding_info"] = new JsonObject
        {
            ["uid"] = c.CampaignId,
            ["title"] = $"Distillation campaign: {c.Label}",
            ["desc"] = string.Join("; ", c.Reasons.Select(r => $"{r.Code} {r.Score}: {r.Detail}")),
            ["types"] = new JsonArray("Distillation campaign", c.Label),
            ["analytic"] = Analytic("campaign", "Campaign detection: shared infrastructure and prompt templates across accounts, scored on pooled evidence", doc),
            ["attacks"] = Attacks(c.Techniques),
            ["first_seen_time"] = Ms(c.FirstSeen),
            ["last_seen_time"] = Ms(c.LastSeen),
            ["related_events_count"] = c.ExchangeCount,
        };
        e["evidences"] = Evidences(c.Examples);
        var observables = new JsonArray();
        foreach (var id in c.AccountIds) observables.Add(Observable("actor.user.uid", 31, "User: uid", id));
        foreach (var i in c.Indicators)
        {
            switch (i.Kind)
            {
                case "ip": observables.Add(Observable("src_endpoint.ip", 2, "IP Address", i.Value)); break;
                case "network": observables.Add(Observable("src_endpoint.subnet", 12, "Subnet", i.Value)); break;
                case "user_agent": observables.Add(Observable("http_request.user_agent", 16, "HTTP User-Agent", i.Value)); break;
                case "payment": observables.Add(Observable("unmapped.payment_fingerprint_hash", 8, "Hash", i.Hash)); break;
                case "email_domain": observables.Add(Observable("unmapped.email_domain", 99, "Email domain", i.Value)); break;
                default: observables.Add(Observable($"unmapped.{i.Kind}_fingerprint", 8, "Hash", i.Hash)); break;
            }
        }
        e["observables"] = observables;
        e["anomaly_analyses"] = Anomalies(c.Reasons, "campaign", c.CampaignId);
        e["unmapped"] = new JsonObject
        {
            ["distillguard"] = new JsonObject
            {
                ["account_count"] = c.AccountCount,
                ["sub_scores"] = SubScores(c.SubScores),
                ["indicators"] = new JsonArray(c.Indicators.Select(i => (JsonNode)new JsonObject { ["kind"] = i.Kind, ["value"] = i.Value, ["hash"] = i.Hash, ["accounts"] = i.Accounts }).ToArray()),
            },
        };
        return e;
    }

    private static JsonObject Account(FindingsDocument doc, AccountFinding a, OcsfActivity activity, long time)
    {
        string uid = "account:" + a.AccountId;
        var e = Base(doc, activity, time, a.Verdict, a.RiskScore, uid);
        e["message"] = $"Account {a.AccountId} {a.Verdict} (risk {a.RiskScore})" + (a.CampaignId is null ? "" : $", member of {a.CampaignId}") + ".";
        Times(e, a.FirstSeen, a.LastSeen);
        var campaign = doc.Campaigns.FirstOrDefault(c => c.CampaignId == a.CampaignId);
        e["finding_info"] = new JsonObject
        {
            ["uid"] = uid,
            ["title"] = $"Distillation activity by account {a.AccountId}",
            ["desc"] = string.Join("; ", a.Reasons.Select(r => $"{r.Code} {r.Score}: {r.Detail}")),
            ["types"] = new JsonArray("Distillation account"),
            ["analytic"] = Analytic("account", "Per-account profile: extraction content, behaviour, infrastructure, campaign lift", doc),
            ["attacks"] = Attacks(campaign?.Techniques ?? [AtlasTechniques.InferenceApiAccess, AtlasTechniques.ExtractModel]),
            ["first_seen_time"] = Ms(a.FirstSeen),
            ["last_seen_time"] = Ms(a.LastSeen),
            ["related_events_count"] = a.ExchangeCount,
            ["related_events"] = a.CampaignId is null ? null : new JsonArray(new JsonObject { ["uid"] = a.CampaignId, ["type"] = "campaign" }),
        };
        if (a.FirstFlaggedAt is { } flagged) e["finding_info"]!["created_time"] = flagged.ToUnixTimeMilliseconds();
        e["actor"] = new JsonObject { ["user"] = new JsonObject { ["uid"] = a.AccountId, ["type"] = "API account" } };
        e["evidences"] = Evidences(a.Examples);
        e["observables"] = new JsonArray(Observable("actor.user.uid", 31, "User: uid", a.AccountId));
        e["anomaly_analyses"] = Anomalies(a.Reasons, "account", a.AccountId);
        e["unmapped"] = new JsonObject { ["distillguard"] = new JsonObject { ["sub_scores"] = SubScores(a.SubScores), ["campaign_id"] = a.CampaignId } };
        return e;
    }

    private static JsonObject Analytic(string kind, string description, FindingsDocument doc) => new()
    {
        ["uid"] = $"distillguard.{kind}",
        ["name"] = $"DistillGuard {kind} detection",
        ["desc"] = description,
        ["type_id"] = 2,
        ["type"] = "Behavioral",
        ["version"] = doc.Tool.Version,
    };

    private static JsonArray Attacks(IEnumerable<TechniqueFinding> techniques)
    {
        // OCSF 1.5 attack object: ATLAS sub-techniques go in sub_technique, under their parent technique.
        var list = new JsonArray();
        foreach (var t in techniques)
        {
            var (tacticId, tacticName) = AtlasTactics.Of(t.Id);
            var attack = new JsonObject { ["tactic"] = new JsonObject { ["uid"] = tacticId, ["name"] = tacticName } };
            if (AtlasTactics.ParentOf(t.Id) is { } parent)
            {
                attack["technique"] = new JsonObject { ["uid"] = parent.Id, ["name"] = parent.Name, ["src_url"] = AtlasTactics.Url(parent.Id) };
                attack["sub_technique"] = new JsonObject { ["uid"] = t.Id, ["name"] = t.Name, ["src_url"] = AtlasTactics.Url(t.Id) };
            }
            else
            {
                attack["technique"] = new JsonObject { ["uid"] = t.Id, ["name"] = t.Name, ["src_url"] = AtlasTactics.Url(t.Id) };
            }
            list.Add(attack);
        }
        return list;
    }

    private static JsonArray Evidences(IEnumerable<ExampleFinding> examples)
    {
        var list = new JsonArray();
        foreach (var x in examples)
        {
            list.Add(new JsonObject
            {
                ["actor"] = new JsonObject { ["user"] = new JsonObject { ["uid"] = x.AccountId } },
                ["api"] = new JsonObject { ["operation"] = "inference", ["request"] = new JsonObject { ["uid"] = x.ExchangeId } },
                ["data"] = new JsonObject
                {
                    ["exchange_id"] = x.ExchangeId,
                    ["time"] = x.Timestamp.ToUnixTimeMilliseconds(),
                    ["reason"] = x.Reason,
                    ["score"] = x.Score,
                    ["excerpt"] = x.Excerpt,
                },
            });
        }
        return list;
    }

    private static JsonArray Anomalies(IEnumerable<ReasonFinding> reasons, string targetType, string target)
    {
        var anomalies = new JsonArray();
        foreach (var r in reasons)
            anomalies.Add(new JsonObject
            {
                ["observation_parameter"] = r.Code,
                ["observation_type"] = "Behavioral Analysis",
                ["observed_pattern"] = r.Score >= 70 ? "HIGH" : r.Score >= 40 ? "ELEVATED" : "LOW",
                ["observations"] = new JsonArray(new JsonObject { ["value"] = $"{r.Detail} (score {r.Score}/100)" }),
            });
        return new JsonArray(new JsonObject
        {
            ["analysis_targets"] = new JsonArray(new JsonObject { ["name"] = target, ["type"] = targetType }),
            ["anomalies"] = anomalies,
        });
    }

    private static JsonObject Observable(string name, int typeId, string type, string value) =>
        new() { ["name"] = name, ["type_id"] = typeId, ["type"] = type, ["value"] = value };

    private static JsonObject SubScores(SubScores s) =>
        new() { ["content"] = s.Content, ["behaviour"] = s.Behaviour, ["coordination"] = s.Coordination, ["infrastructure"] = s.Infrastructure };

    private static void Times(JsonObject e, DateTimeOffset? first, DateTimeOffset? last)
    {
        if (first is { } f) e["start_time"] = f.ToUnixTimeMilliseconds();
        if (last is { } l) e["end_time"] = l.ToUnixTimeMilliseconds();
    }

    private static long? Ms(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds();
}

/// <summary>OCSF finding activities: the last digit of <c>type_uid</c>.</summary>
public enum OcsfActivity
{
    /// <summary>A finding was created (type_uid 200401).</summary>
    Create = 1,
    /// <summary>A finding was updated (200402).</summary>
    Update = 2,
    /// <summary>A finding was closed (200403).</summary>
    Close = 3,
}
