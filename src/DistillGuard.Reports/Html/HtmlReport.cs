using System.Globalization;
using System.Net;
using System.Text;
using DistillGuard.Core.Findings;
using DistillGuard.Reports.Plots;

namespace DistillGuard.Reports.Html;

/// <summary>
/// Writes <c>report.html</c>: one self-contained file (inline CSS and SVG, no scripts, no external resources) that an
/// analyst can open offline: summary, campaign table, timeline plot, and per campaign its reasons, sub-scores, ATLAS
/// techniques, shared indicators, redacted example prompts and member accounts.
/// </summary>
public static class HtmlReport
{
    /// <summary>Most member accounts listed per campaign.</summary>
    public const int MaxMembersListed = 100;

    /// <summary>Most accounts in the top-accounts table.</summary>
    public const int MaxAccountsListed = 100;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the report for <paramref name="doc"/>.</summary>
    public static string Render(FindingsDocument doc)
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<title>DistillGuard report</title><style>").Append(Css).Append("</style></head><body>\n");
        sb.Append("<header><h1>DistillGuard report</h1><p class=\"muted\">Generated ")
          .Append(E(Time(doc.GeneratedAt))).Append(" by ").Append(E(doc.Tool.Name)).Append(' ').Append(E(doc.Tool.Version))
          .Append(" · schema ").Append(E(doc.Schema)).Append("</p></header>\n");

        Summary(sb, doc);
        var svg = TimelineChart.RenderSvg(doc.Campaigns);
        if (svg is not null) sb.Append("<section><h2>Timeline</h2><div class=\"plot\">").Append(svg).Append("</div></section>\n");
        CampaignTable(sb, doc);
        foreach (var c in doc.Campaigns) CampaignSection(sb, c, doc);
        AccountTable(sb, doc);
        Errors(sb, doc);
        sb.Append("<footer class=\"muted\">Scores are 0–100, higher = riskier. Excerpts are short and redacted (e-mail, URLs, IPs, numbers, keys). ")
          .Append("Reason codes and scoring: docs/detection.md. Findings format: docs/findings.md.</footer>\n</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the report for <paramref name="doc"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, FindingsDocument doc) => File.WriteAllText(path, Render(doc), new UTF8Encoding(false));

    private static void Summary(StringBuilder sb, FindingsDocument doc)
    {
        var i = doc.Input;
        var s = doc.Summary;
        sb.Append("<section class=\"cards\">");
        Card(sb, "Attack campaigns", s.CampaignsAttack, "attack");
        Card(sb, "Suspicious campaigns", s.CampaignsSuspicious, "suspicious");
        Card(sb, "Attack accounts", s.AccountsAttack, "attack");
        Card(sb, "Suspicious accounts", s.AccountsSuspicious, "suspicious");
        sb.Append("</section>\n<section><h2>Input</h2><table class=\"kv\">");
        Row(sb, "Sources", string.Join(", ", i.Sources));
        Row(sb, "Lines read", N(i.LinesRead));
        Row(sb, "Exchanges", N(i.Exchanges));
        Row(sb, "Lines skipped", N(i.LinesSkipped));
        Row(sb, "Accounts", N(i.Accounts));
        Row(sb, "Time range", $"{Time(i.FirstExchange)} — {Time(i.LastExchange)}");
        sb.Append("</table></section>\n");
    }

    private static void CampaignTable(StringBuilder sb, FindingsDocument doc)
    {
        sb.Append("<section><h2>Campaigns</h2>");
        if (doc.Campaigns.Count == 0) { sb.Append("<p>No campaigns found.</p></section>\n"); return; }
        sb.Append("<table><thead><tr><th>Campaign</th><th>What</th><th>Verdict</th><th>Risk</th><th>Accounts</th><th>Exchanges</th><th>First seen</th><th>Last seen</th><th>ATLAS</th></tr></thead><tbody>");
        foreach (var c in doc.Campaigns)
        {
            sb.Append("<tr><td><a href=\"#").Append(E(c.CampaignId)).Append("\">").Append(E(c.CampaignId)).Append("</a></td><td>")
              .Append(E(c.Label)).Append("</td><td>").Append(Badge(c.Verdict)).Append("</td><td class=\"num\">").Append(c.RiskScore)
              .Append("</td><td class=\"num\">").Append(N(c.AccountCount)).Append("</td><td class=\"num\">").Append(N(c.ExchangeCount))
              .Append("</td><td>").Append(E(Time(c.FirstSeen))).Append("</td><td>").Append(E(Time(c.LastSeen))).Append("</td><td>")
              .Append(E(string.Join(" ", c.Techniques.Select(t => t.Id)))).Append("</td></tr>");
        }
        sb.Append("</tbody></table></section>\n");
    }

    private static void CampaignSection(StringBuilder sb, CampaignFinding c, FindingsDocument doc)
    {
        sb.Append("<section class=\"campaign\" id=\"").Append(E(c.CampaignId)).Append("\"><h2>").Append(E(c.CampaignId)).Append(" · ")
          .Append(E(c.Label)).Append(' ').Append(Badge(c.Verdict)).Append("</h2>");
        sb.Append("<p>Risk <b>").Append(c.RiskScore).Append("</b> · ").Append(N(c.AccountCount)).Append(" accounts · ").Append(N(c.ExchangeCount))
          .Append(" exchanges · ").Append(E(Time(c.FirstSeen))).Append(" — ").Append(E(Time(c.LastSeen))).Append("</p>");
        SubScoreBars(sb, c.SubScores);
        sb.Append("<h3>MITRE ATLAS</h3><ul>");
        foreach (var t in c.Techniques) sb.Append("<li><code>").Append(E(t.Id)).Append("</code> ").Append(E(t.Name)).Append("</li>");
        sb.Append("</ul>");
        Reasons(sb, c.Reasons);
        if (c.Indicators.Count > 0)
        {
            sb.Append("<h3>Shared indicators</h3><table><thead><tr><th>Kind</th><th>Value</th><th>Accounts</th></tr></thead><tbody>");
            foreach (var i in c.Indicators)
                sb.Append("<tr><td>").Append(E(i.Kind)).Append("</td><td class=\"wrap\">").Append(E(i.Value)).Append("</td><td class=\"num\">").Append(N(i.Accounts)).Append("</td></tr>");
            sb.Append("</tbody></table>");
        }
        Examples(sb, c.Examples);
        var members = doc.Accounts.Where(a => a.CampaignId == c.CampaignId).Take(MaxMembersListed).ToList();
        if (members.Count > 0)
        {
            sb.Append("<details><summary>Member accounts (").Append(N(c.AccountCount)).Append(c.AccountCount > members.Count ? $", first {members.Count} by risk" : "").Append(")</summary>");
            AccountRows(sb, members);
            sb.Append("</details>");
        }
        sb.Append("</section>\n");
    }

    private static void AccountTable(StringBuilder sb, FindingsDocument doc)
    {
        sb.Append("<section><h2>Top accounts</h2>");
        if (doc.Accounts.Count == 0) { sb.Append("<p>No account reached <i>suspicious</i>.</p></section>\n"); return; }
        AccountRows(sb, doc.Accounts.Take(MaxAccountsListed).ToList());
        sb.Append("</section>\n");
    }

    private static void AccountRows(StringBuilder sb, IReadOnlyList<AccountFinding> accounts)
    {
        sb.Append("<table><thead><tr><th>Account</th><th>Verdict</th><th>Risk</th><th>Content</th><th>Behaviour</th><th>Coord.</th><th>Infra.</th><th>Exchanges</th><th>First flagged</th><th>Top reasons</th></tr></thead><tbody>");
        foreach (var a in accounts)
        {
            sb.Append("<tr><td><code>").Append(E(a.AccountId)).Append("</code></td><td>").Append(Badge(a.Verdict)).Append("</td><td class=\"num\">").Append(a.RiskScore)
              .Append("</td><td class=\"num\">").Append(a.SubScores.Content).Append("</td><td class=\"num\">").Append(a.SubScores.Behaviour)
              .Append("</td><td class=\"num\">").Append(a.SubScores.Coordination).Append("</td><td class=\"num\">").Append(a.SubScores.Infrastructure)
              .Append("</td><td class=\"num\">").Append(N(a.ExchangeCount)).Append("</td><td>").Append(E(Time(a.FirstFlaggedAt))).Append("</td><td>")
              .Append(E(string.Join(", ", a.Reasons.Take(3).Select(r => $"{r.Code} {r.Score}")))).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
    }

    private static void Reasons(StringBuilder sb, IReadOnlyList<ReasonFinding> reasons)
    {
        if (reasons.Count == 0) return;
        sb.Append("<h3>Reasons</h3><table><thead><tr><th>Code</th><th>Score</th><th>Detail</th></tr></thead><tbody>");
        foreach (var r in reasons)
            sb.Append("<tr><td><code>").Append(E(r.Code)).Append("</code></td><td class=\"num\">").Append(r.Score).Append("</td><td>").Append(E(r.Detail)).Append("</td></tr>");
        sb.Append("</tbody></table>");
    }

    private static void Examples(StringBuilder sb, IReadOnlyList<ExampleFinding> examples)
    {
        if (examples.Count == 0) return;
        sb.Append("<h3>Example exchanges</h3><table><thead><tr><th>Exchange</th><th>Account</th><th>Time</th><th>Reason</th><th>Excerpt (redacted)</th></tr></thead><tbody>");
        foreach (var x in examples)
            sb.Append("<tr><td><code>").Append(E(x.ExchangeId)).Append("</code></td><td><code>").Append(E(x.AccountId)).Append("</code></td><td>")
              .Append(E(Time(x.Timestamp))).Append("</td><td><code>").Append(E(x.Reason)).Append("</code> ").Append(x.Score)
              .Append("</td><td class=\"excerpt\">").Append(E(x.Excerpt ?? "(excerpts disabled)")).Append("</td></tr>");
        sb.Append("</tbody></table>");
    }

    private static void SubScoreBars(StringBuilder sb, SubScores s)
    {
        sb.Append("<div class=\"bars\">");
        Bar(sb, "content", s.Content);
        Bar(sb, "behaviour", s.Behaviour);
        Bar(sb, "coordination", s.Coordination);
        Bar(sb, "infrastructure", s.Infrastructure);
        sb.Append("</div>");
    }

    private static void Bar(StringBuilder sb, string name, int value) =>
        sb.Append("<div class=\"bar\"><span>").Append(name).Append("</span><div class=\"track\"><div class=\"fill\" style=\"width:")
          .Append(Math.Clamp(value, 0, 100)).Append("%\"></div></div><b>").Append(value).Append("</b></div>");

    private static void Errors(StringBuilder sb, FindingsDocument doc)
    {
        if (doc.Input.Errors.Count == 0) return;
        sb.Append("<section><h2>Skipped lines</h2><p>").Append(N(doc.Input.LinesSkipped)).Append(" lines were reported and skipped")
          .Append(doc.Input.LinesSkipped > doc.Input.Errors.Count ? $"; the first {doc.Input.Errors.Count}:" : ":").Append("</p><pre>");
        foreach (var e in doc.Input.Errors) sb.Append(E(e)).Append('\n');
        sb.Append("</pre></section>\n");
    }

    private static void Card(StringBuilder sb, string title, int value, string cls) =>
        sb.Append("<div class=\"card ").Append(value > 0 ? cls : "none").Append("\"><div class=\"value\">").Append(N(value)).Append("</div><div>").Append(E(title)).Append("</div></div>");

    private static void Row(StringBuilder sb, string key, string value) =>
        sb.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>");

    private static string Badge(string verdict) => $"<span class=\"badge {E(verdict)}\">{E(verdict)}</span>";

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string N(long n) => n.ToString("N0", Inv);

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", Inv) ?? "—";

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;color:#1d2330;background:#fbfbfd}
        h1{margin-bottom:0}h2{border-bottom:1px solid #dde;padding-bottom:.2rem;margin-top:2rem}h3{margin-bottom:.3rem}
        .muted{color:#667}table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.9rem}
        th,td{border-bottom:1px solid #e4e6ee;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f0f2f8}
        table.kv{width:auto}table.kv th{background:none;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        td.wrap,td.excerpt{word-break:break-word;max-width:40rem}td.excerpt{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.8rem}
        code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85em}
        .cards{display:flex;gap:1rem;flex-wrap:wrap}.card{flex:1;min-width:10rem;border-radius:.5rem;padding:.8rem;background:#eef0f6}
        .card .value{font-size:2rem;font-weight:700}.card.attack{background:#fde2e1}.card.suspicious{background:#fff1d6}
        .badge{display:inline-block;border-radius:.8rem;padding:0 .6rem;font-size:.8rem;font-weight:600;background:#e6e8ef}
        .badge.attack{background:#d93025;color:#fff}.badge.suspicious{background:#f29900;color:#fff}.badge.benign{background:#dfe9df}
        .bars{max-width:36rem}.bar{display:flex;align-items:center;gap:.5rem;margin:.15rem 0}.bar span{width:7rem}
        .track{flex:1;height:.6rem;background:#e6e8ef;border-radius:.3rem}.fill{height:100%;background:#4a63d9;border-radius:.3rem}
        .plot svg{max-width:100%;height:auto}section.campaign{border:1px solid #e4e6ee;border-radius:.5rem;padding:0 1rem 1rem;margin-top:1.5rem;background:#fff}
        details summary{cursor:pointer;margin:.6rem 0}pre{white-space:pre-wrap;background:#f0f2f8;padding:.5rem}footer{margin:3rem 0 1rem;font-size:.8rem}
        """;
}
