using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DistillGuard.Core.Findings;

namespace DistillGuard.Reports.Exports;

/// <summary>TLP (v1) markings predefined by STIX 2.1 (§7.2.1.4).</summary>
public enum Tlp
{
    /// <summary>TLP:WHITE — may be shared freely.</summary>
    White,
    /// <summary>TLP:GREEN — the community.</summary>
    Green,
    /// <summary>TLP:AMBER — the recipients' organisations (default).</summary>
    Amber,
    /// <summary>TLP:RED — named recipients only.</summary>
    Red,
}

/// <summary>
/// Writes findings as a STIX 2.1 bundle for sharing with other providers: the producer <c>identity</c>, a TLP
/// marking, a <c>campaign</c> per campaign, <c>attack-pattern</c>s with <c>mitre-atlas</c> external references,
/// <c>infrastructure</c> (type anonymization) for proxy clusters that <c>consists-of</c> <c>ipv4-addr</c> objects,
/// <c>indicator</c>s with STIX patterns (IP, CIDR, user-account, and prompt-template fingerprints through the custom
/// observable <c>x-distillguard-prompt-template</c> defined by an <c>extension-definition</c>), and the
/// <c>relationship</c>s between them (uses, indicates, consists-of). Ids are UUIDv5 of stable keys and times come from
/// the findings, so the same findings give the same bundle. Templates travel as hashes only; payment data, e-mail
/// and prompt text never appear.
/// </summary>
public static class StixExporter
{
    /// <summary>Type of the custom observable carrying prompt-template fingerprints.</summary>
    public const string TemplateObservableType = "x-distillguard-prompt-template";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<Tlp, (string Id, string Name)> TlpMarkings = new()
    {
        [Tlp.White] = ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"),
        [Tlp.Green] = ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
        [Tlp.Amber] = ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"),
        [Tlp.Red] = ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"),
    };

    /// <summary>Builds the bundle.</summary>
    /// <param name="doc">Findings (apply the redaction policy first).</param>
    /// <param name="producer">Name of the producing organisation (the <c>identity</c>).</param>
    /// <param name="tlp">TLP marking of every object.</param>
    public static JsonObject Build(FindingsDocument doc, string producer = "DistillGuard", Tlp tlp = Tlp.Amber)
    {
        var objects = new JsonArray();
        string epoch = Time(doc.Campaigns.Select(c => c.FirstSeen).Where(t => t is not null).DefaultIfEmpty(doc.Input.FirstExchange ?? DateTimeOffset.UnixEpoch).Min());
        var (markingId, markingName) = TlpMarkings[tlp];
        string identityId = StixIds.Domain("identity", producer);
        objects.Add(new JsonObject
        {
            ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = identityId, ["created"] = epoch, ["modified"] = epoch,
            ["name"] = producer, ["identity_class"] = "organization",
            ["description"] = $"Producer of these findings ({doc.Tool.Name} {doc.Tool.Version}).",
        });
        objects.Add(new JsonObject
        {
            ["type"] = "marking-definition", ["spec_version"] = "2.1", ["id"] = markingId, ["created"] = "2017-01-20T00:00:00.000Z",
            ["definition_type"] = "tlp", ["name"] = $"TLP:{markingName.ToUpperInvariant()}", ["definition"] = new JsonObject { ["tlp"] = markingName },
        });

        JsonObject Sdo(string type, string key, string created, string modified)
        {
            var o = new JsonObject
            {
                ["type"] = type, ["spec_version"] = "2.1", ["id"] = StixIds.Domain(type, key), ["created"] = created, ["modified"] = modified,
                ["created_by_ref"] = identityId, ["object_marking_refs"] = new JsonArray(markingId),
            };
            objects.Add(o);
            return o;
        }
        void Relate(string kind, string source, string target, string when)
        {
            var r = Sdo("relationship", $"{kind}|{source}|{target}", when, when);
            r["relationship_type"] = kind;
            r["source_ref"] = source;
            r["target_ref"] = target;
        }

        string? extensionId = null;
        if (doc.Campaigns.Any(c => c.Indicators.Any(IsTemplate)))
        {
            var ext = Sdo("extension-definition", TemplateObservableType, epoch, epoch);
            extensionId = ext["id"]!.GetValue<string>();
            ext["name"] = "DistillGuard prompt-template fingerprint";
            ext["description"] = "A hash of a prompt skeleton (system prompt, tool set, or MinHash LSH band of the prompt frame) that linked accounts of a distillation campaign. Carries no prompt text.";
            // STIX 2.1 §7.3: the schema may be plain text when there is no published JSON schema.
            ext["schema"] = $"Custom SCO '{TemplateObservableType}'. Properties: fingerprint (string, required; 15 lower-case hex digits, a 60-bit " +
                "hash of the template key), kind (string, required; system_template, prompt_template or tool_set), scheme (string, required; " +
                "'distillguard-template-v1': system prompts and tool sets hashed after normalisation, prompt templates as MinHash LSH bands " +
                "of the prompt frame, see DistillGuard docs/exports.md). Id-contributing property: fingerprint.";
            ext["version"] = "1.0.0";
            ext["extension_types"] = new JsonArray("new-sco");
        }

        var patterns = new Dictionary<string, string>();
        foreach (var t in doc.Campaigns.SelectMany(c => c.Techniques).DistinctBy(t => t.Id))
        {
            var ap = Sdo("attack-pattern", t.Id, epoch, epoch);
            ap["name"] = t.Name;
            ap["external_references"] = new JsonArray(new JsonObject { ["source_name"] = "mitre-atlas", ["external_id"] = t.Id, ["url"] = AtlasTactics.Url(t.Id) });
            patterns[t.Id] = ap["id"]!.GetValue<string>();
        }

        foreach (var c in doc.Campaigns)
        {
            string first = Time(c.FirstSeen ?? DateTimeOffset.UnixEpoch), last = Time(c.LastSeen ?? c.FirstSeen ?? DateTimeOffset.UnixEpoch);
            var campaign = Sdo("campaign", c.CampaignId, first, last);
            string campaignId = campaign["id"]!.GetValue<string>();
            campaign["name"] = $"{c.CampaignId}: {c.Label}";
            campaign["description"] = $"Distillation campaign ({c.Verdict}, risk {c.RiskScore}/100): {c.AccountCount:N0} accounts, {c.ExchangeCount:N0} exchanges. " +
                string.Join("; ", c.Reasons.Take(6).Select(r => $"{r.Code}: {r.Detail}"));
            campaign["objective"] = "Harvest a model's outputs (reasoning traces, code, tool-use traces, judgements) to train a rival model.";
            campaign["first_seen"] = first;
            campaign["last_seen"] = last;
            campaign["confidence"] = c.RiskScore;
            campaign["aliases"] = new JsonArray(c.CampaignId);
            foreach (var t in c.Techniques) Relate("uses", campaignId, patterns[t.Id], first);

            // Proxy or reseller infrastructure: the campaign's shared exits (addresses, or /24 networks under strict
            // redaction; STIX address objects may hold a CIDR block).
            var exits = c.Indicators.Where(i => i.Kind is "ip" or "network").ToList();
            if (c.Techniques.Any(t => t.Id == AtlasTechniques.ServiceProxies.Id) && exits.Count > 0)
            {
                var infra = Sdo("infrastructure", c.CampaignId + "|proxies", first, last);
                string infraId = infra["id"]!.GetValue<string>();
                infra["name"] = $"Proxy exits used by {c.CampaignId}";
                infra["infrastructure_types"] = new JsonArray("anonymization");
                infra["first_seen"] = first;
                infra["last_seen"] = last;
                Relate("uses", campaignId, infraId, first);
                foreach (var exit in exits)
                {
                    string type = AddressType(exit.Value);
                    string scoId = StixIds.Observable(type, $"{{\"value\":\"{exit.Value}\"}}");
                    if (!objects.Any(o => o!["id"]!.GetValue<string>() == scoId))
                        objects.Add(new JsonObject { ["type"] = type, ["spec_version"] = "2.1", ["id"] = scoId, ["value"] = exit.Value });
                    Relate("consists-of", infraId, scoId, first);
                }
            }

            void Indicate(string key, string name, string pattern, string description)
            {
                var ind = Sdo("indicator", $"{c.CampaignId}|{key}", first, last);
                ind["name"] = name;
                ind["description"] = description;
                ind["indicator_types"] = new JsonArray("malicious-activity");
                ind["pattern"] = pattern;
                ind["pattern_type"] = "stix";
                ind["valid_from"] = first;
                Relate("indicates", ind["id"]!.GetValue<string>(), campaignId, first);
            }
            foreach (var ip in exits.Where(i => i.Kind == "ip"))
                Indicate("ip|" + ip.Value, $"Exit IP {ip.Value}", $"[{AddressType(ip.Value)}:value = '{ip.Value}']", $"Shared by {ip.Accounts} accounts of {c.CampaignId}.");
            foreach (var net in exits.Where(i => i.Kind == "network"))
                Indicate("network|" + net.Value, $"Network {net.Value}", $"[{AddressType(net.Value)}:value ISSUBSET '{net.Value}']", $"Shared by {net.Accounts} accounts of {c.CampaignId}.");
            if (c.AccountIds.Count > 0)
                Indicate("accounts", $"Accounts of {c.CampaignId}",
                    "[user-account:user_id IN (" + string.Join(", ", c.AccountIds.Select(a => $"'{Escape(a)}'")) + ")]",
                    $"{c.AccountIds.Count:N0} accounts of the campaign (identifiers as written in the findings; hashed with --redact strict).");
            foreach (var t in c.Indicators.Where(IsTemplate))
            {
                string fingerprint = t.Hash[(t.Hash.IndexOf(':') + 1)..];
                string scoId = StixIds.Observable(TemplateObservableType, $"{{\"fingerprint\":\"{fingerprint}\"}}");
                if (!objects.Any(o => o!["id"]!.GetValue<string>() == scoId))
                    objects.Add(new JsonObject
                    {
                        ["type"] = TemplateObservableType, ["spec_version"] = "2.1", ["id"] = scoId,
                        ["fingerprint"] = fingerprint, ["kind"] = t.Kind, ["scheme"] = "distillguard-template-v1",
                        ["extensions"] = new JsonObject { [extensionId!] = new JsonObject { ["extension_type"] = "new-sco" } },
                    });
                Indicate("template|" + t.Hash, $"Prompt template {t.Hash}", $"[{TemplateObservableType}:fingerprint = '{fingerprint}']",
                    $"{t.Kind.Replace('_', ' ')} shared by {t.Accounts} accounts of {c.CampaignId} (hash only).");
            }
        }

        return new JsonObject
        {
            ["type"] = "bundle",
            ["id"] = StixIds.Domain("bundle", string.Join(",", doc.Campaigns.Select(c => c.CampaignId)) + "|" + producer),
            ["objects"] = objects,
        };
    }

    /// <summary>Writes the bundle as indented JSON.</summary>
    public static void Write(TextWriter writer, FindingsDocument doc, string producer = "DistillGuard", Tlp tlp = Tlp.Amber) =>
        writer.Write(Build(doc, producer, tlp).ToJsonString(Json));

    private static string AddressType(string value) => value.Contains(':') ? "ipv6-addr" : "ipv4-addr";

    private static bool IsTemplate(IndicatorFinding i) => i.Kind is "system_template" or "prompt_template" or "tool_set";

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("'", "\\'");

    private static string Time(DateTimeOffset? t) => (t ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
}
