using System.Text.Json.Nodes;

namespace DistillGuard.Reports.Tests.Exports;

/// <summary>
/// The OCSF 1.5.0 requirements a Detection Finding must meet, written out from the schema (base_event, finding,
/// detection_finding, metadata, product, finding_info, attack, observable, evidences, anomaly_analysis, anomaly,
/// observation, analysis_target): required attributes, the enum values used, and the at-least-one constraints.
/// Returns every violation found, as "path: problem".
/// </summary>
internal static class OcsfSchema
{
    private static readonly int[] SeverityIds = [0, 1, 2, 3, 4, 5, 6, 99];
    private static readonly int[] ConfidenceIds = [0, 1, 2, 3, 99];
    private static readonly int[] StatusIds = [0, 1, 2, 3, 4, 5, 6, 99];
    private static readonly int[] RiskLevelIds = [0, 1, 2, 3, 4, 99];

    public static List<string> Violations(JsonObject e)
    {
        var v = new List<string>();
        void Require(JsonObject? o, string path, params string[] names)
        {
            if (o is null) { v.Add($"{path}: missing object"); return; }
            foreach (var n in names)
                if (o[n] is null) v.Add($"{path}.{n}: required");
        }
        int Int(JsonNode? n) => n?.GetValue<int>() ?? -1;

        Require(e, "", "activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid", "finding_info");
        if (Int(e["category_uid"]) != 2) v.Add("category_uid: expected 2 (Findings)");
        if (Int(e["class_uid"]) != 2004) v.Add("class_uid: expected 2004 (Detection Finding)");
        int activity = Int(e["activity_id"]);
        if (activity is not (1 or 2 or 3 or 0 or 99)) v.Add("activity_id: not in the Finding enum");
        if (Int(e["type_uid"]) != 2004 * 100 + activity) v.Add("type_uid: expected class_uid * 100 + activity_id");
        if (!SeverityIds.Contains(Int(e["severity_id"]))) v.Add("severity_id: not in enum");
        if (e["confidence_id"] is { } c && !ConfidenceIds.Contains(Int(c))) v.Add("confidence_id: not in enum");
        if (e["status_id"] is { } s && !StatusIds.Contains(Int(s))) v.Add("status_id: not in enum");
        if (e["risk_level_id"] is { } rl && !RiskLevelIds.Contains(Int(rl))) v.Add("risk_level_id: not in enum");
        if (e["risk_score"] is { } rs && Int(rs) is < 0 or > 100) v.Add("risk_score: 0-100 expected");
        if (e["time"] is { } t && t.GetValue<long>() < 0) v.Add("time: epoch milliseconds expected");

        var metadata = e["metadata"] as JsonObject;
        Require(metadata, "metadata", "product", "version");
        if (metadata?["product"] is JsonObject product && product["name"] is null && product["uid"] is null)
            v.Add("metadata.product: at least one of name, uid");

        var info = e["finding_info"] as JsonObject;
        Require(info, "finding_info", "uid");
        if (info?["analytic"] is JsonObject analytic) Require(analytic, "finding_info.analytic", "type_id");
        if (info?["attacks"] is JsonArray attacks)
            for (int i = 0; i < attacks.Count; i++)
            {
                var a = attacks[i] as JsonObject;
                if (a?["tactic"] is null && a?["technique"] is null && a?["sub_technique"] is null)
                    v.Add($"finding_info.attacks[{i}]: at least one of tactic, technique, sub_technique");
                foreach (var part in new[] { "tactic", "technique", "sub_technique" })
                    if (a?[part] is JsonObject p && p["uid"] is null && p["name"] is null)
                        v.Add($"finding_info.attacks[{i}].{part}: at least one of name, uid");
            }

        if (e["observables"] is JsonArray observables)
            for (int i = 0; i < observables.Count; i++) Require(observables[i] as JsonObject, $"observables[{i}]", "name", "type_id");

        string[] evidenceParts = ["actor", "api", "connection_info", "data", "database", "databucket", "device", "dst_endpoint", "email", "file", "process", "query", "resources", "src_endpoint", "url", "user", "job", "script"];
        if (e["evidences"] is JsonArray evidences)
            for (int i = 0; i < evidences.Count; i++)
            {
                var ev = evidences[i] as JsonObject;
                if (ev is null || !evidenceParts.Any(p => ev[p] is not null)) v.Add($"evidences[{i}]: at least one evidence attribute");
                if (ev?["api"] is JsonObject api) Require(api, $"evidences[{i}].api", "operation");
            }

        if (e["anomaly_analyses"] is JsonArray analyses)
            for (int i = 0; i < analyses.Count; i++)
            {
                var an = analyses[i] as JsonObject;
                Require(an, $"anomaly_analyses[{i}]", "analysis_targets", "anomalies");
                if (an?["analysis_targets"] is JsonArray targets)
                    for (int j = 0; j < targets.Count; j++) Require(targets[j] as JsonObject, $"anomaly_analyses[{i}].analysis_targets[{j}]", "name");
                if (an?["anomalies"] is JsonArray anomalies)
                    for (int j = 0; j < anomalies.Count; j++)
                    {
                        var anomaly = anomalies[j] as JsonObject;
                        Require(anomaly, $"anomaly_analyses[{i}].anomalies[{j}]", "observation_parameter", "observations");
                        if (anomaly?["observations"] is JsonArray obs)
                            for (int k = 0; k < obs.Count; k++) Require(obs[k] as JsonObject, $"anomaly_analyses[{i}].anomalies[{j}].observations[{k}]", "value");
                    }
            }
        return v;
    }
}
