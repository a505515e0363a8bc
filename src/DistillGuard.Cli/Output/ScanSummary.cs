using System.Globalization;
using DistillGuard.Core.Findings;
using Spectre.Console;

namespace DistillGuard.Cli.Output;

/// <summary>The console summary of a scan: input counts, campaigns table, top accounts, outputs written.</summary>
internal sealed class ScanSummary(IAnsiConsole console)
{
    /// <summary>Accounts shown in the top-accounts table.</summary>
    public const int TopAccounts = 10;

    public void Write(FindingsDocument doc, TimeSpan elapsed, IReadOnlyList<string> written)
    {
        var i = doc.Input;
        var inv = CultureInfo.InvariantCulture;
        console.MarkupLine($"[bold]DistillGuard scan[/] · {i.Sources.Count} source(s) · {elapsed.TotalSeconds.ToString("F1", inv)} s");
        console.MarkupLine($"Lines read [bold]{i.LinesRead:N0}[/] · exchanges [bold]{i.Exchanges:N0}[/] · lines skipped [bold]{i.LinesSkipped:N0}[/] · accounts [bold]{i.Accounts:N0}[/]");
        if (i.FirstExchange is { } first && i.LastExchange is { } last)
            console.MarkupLine($"Time range {first.UtcDateTime.ToString("u", inv)} — {last.UtcDateTime.ToString("u", inv)}");
        console.WriteLine();

        if (doc.Campaigns.Count == 0) console.MarkupLine("[green]No campaigns found.[/]");
        else
        {
            var t = new Table().Title("Campaigns").AddColumns("Campaign", "What", "Verdict", "Risk", "Accounts", "Exchanges", "ATLAS");
            foreach (var c in doc.Campaigns)
                t.AddRow(Markup.Escape(c.CampaignId), Markup.Escape(c.Label), Verdict(c.Verdict), c.RiskScore.ToString(inv),
                    c.AccountCount.ToString("N0", inv), c.ExchangeCount.ToString("N0", inv), Markup.Escape(string.Join(" ", c.Techniques.Select(x => x.Id))));
            console.Write(t);
        }

        var top = doc.Accounts.Take(TopAccounts).ToList();
        if (top.Count > 0)
        {
            var t = new Table().Title($"Top accounts ({doc.Summary.AccountsAttack:N0} attack, {doc.Summary.AccountsSuspicious:N0} suspicious)")
                .AddColumns("Account", "Verdict", "Risk", "Campaign", "Top reasons");
            foreach (var a in top)
                t.AddRow(Markup.Escape(a.AccountId), Verdict(a.Verdict), a.RiskScore.ToString(inv), Markup.Escape(a.CampaignId ?? "—"),
                    Markup.Escape(string.Join(", ", a.Reasons.Take(3).Select(r => $"{r.Code} {r.Score}"))));
            console.Write(t);
        }
        foreach (var path in written) console.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/]");
    }

    private static string Verdict(string v) => v switch
    {
        "attack" => "[red bold]attack[/]",
        "suspicious" => "[yellow]suspicious[/]",
        _ => Markup.Escape(v),
    };
}
