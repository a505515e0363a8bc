using DistillGuard.Core.Findings;

namespace DistillGuard.Reports.Plots;

/// <summary>Hourly activity of campaigns over time, rendered with ScottPlot to SVG for embedding in the report.</summary>
public static class TimelineChart
{
    private static readonly object FontLock = new();
    private static bool _fontSet;

    /// <summary>Renders the timelines of up to <paramref name="maxSeries"/> campaigns (highest risk first).</summary>
    /// <param name="campaigns">Campaigns with timelines.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="maxSeries">Most campaigns drawn.</param>
    /// <returns>SVG markup, or null when no campaign has a timeline.</returns>
    public static string? RenderSvg(IReadOnlyList<CampaignFinding> campaigns, int width = 960, int height = 360, int maxSeries = 8)
    {
        var drawn = campaigns.Where(c => c.Timeline.Count > 0).Take(maxSeries).ToList();
        if (drawn.Count == 0) return null;
        EnsureFont();
        var plot = new ScottPlot.Plot();
        foreach (var c in drawn)
        {
            var xs = c.Timeline.Select(p => p.Hour.UtcDateTime.ToOADate()).ToArray();
            var ys = c.Timeline.Select(p => (double)p.Exchanges).ToArray();
            var series = plot.Add.Scatter(xs, ys);
            series.LegendText = $"{c.CampaignId} ({c.Label})";
            series.MarkerSize = xs.Length > 200 ? 0 : 3;
            series.LineWidth = 1.5f;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("exchanges per hour");
        plot.XLabel("time (UTC)");
        plot.Title("Campaign activity");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot.GetSvgXml(width, height);
    }

    private static void EnsureFont()
    {
        lock (FontLock)
        {
            if (_fontSet) return;
            // SkiaSharp's NoDependencies build defaults to a serif face on headless Linux; the report uses sans.
            ScottPlot.Fonts.Default = "DejaVu Sans";
            _fontSet = true;
        }
    }
}
