using DistillGuard.Core.Analysis;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Indicators;
using DistillGuard.Core.Signals;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Profiles;

/// <summary>
/// Folds one analysed exchange into an <see cref="AccountProfile"/>: O(1) work and no allocation. Returns the
/// indicator and template keys that are new to the account, so the host can update document frequencies and
/// posting lists.
/// </summary>
public static class ProfileUpdater
{
    /// <summary>Most new keys one exchange can produce (IP, network, user agent and every template key).</summary>
    public const int MaxNewKeys = 3 + ExchangeAnalysis.MaxTemplateKeys;

    /// <summary>Applies <paramref name="x"/> to <paramref name="profile"/>.</summary>
    /// <param name="profile">The account's profile.</param>
    /// <param name="x">The exchange.</param>
    /// <param name="analysis">Its analysis.</param>
    /// <param name="newModel">Whether the exchange went to a newly appearing model (see <see cref="Registries.ModelRegistry"/>).</param>
    /// <param name="recurring">Per template key of <paramref name="analysis"/>: whether it is a recurring skeleton (see <see cref="TemplateCounter"/>); only those enter the account's template table.</param>
    /// <param name="newKeys">Receives keys new to the account; length ≥ <see cref="MaxNewKeys"/>.</param>
    /// <returns>Number of keys written to <paramref name="newKeys"/>.</returns>
    public static int Apply(AccountProfile profile, Exchange x, ExchangeAnalysis analysis, bool newModel, ReadOnlySpan<bool> recurring, Span<ulong> newKeys)
    {
        var p = profile;
        long ts = x.TimestampMs;
        if (p.Exchanges == 0) p.FirstSeenMs = p.LastSeenMs = ts;
        else
        {
            double gapSeconds = (ts - p.LastSeenMs) / 1000.0;
            if (gapSeconds >= 0)
            {
                double v = Math.Log10(gapSeconds + 0.5);
                p.GapCount++;
                double delta = v - p.GapMean;
                p.GapMean += delta / p.GapCount;
                p.GapM2 += delta * (v - p.GapMean);
            }
            if (ts < p.FirstSeenMs) p.FirstSeenMs = ts;
            if (ts > p.LastSeenMs) p.LastSeenMs = ts;
        }
        p.Exchanges++;
        int hour = (int)(((ts / 3_600_000) % 24 + 24) % 24);
        p.Hours[hour]++;

        p.TokensIn += analysis.InputTokens;
        p.TokensOut += x.CompletionTokens;
        p.ReasoningTokens += x.ReasoningTokens;
        if (x.UserTurns <= 1 && x.AssistantTurns == 0 && x.ToolResultTurns == 0) p.SingleTurn++;
        if (x.ToolCount > 0) p.WithTools++;
        if (ToolTraceHarvestSignal.IsFreshToolTask(x)) p.FreshToolTasks++;
        if (x.ResponseHasReasoning || x.ReasoningTokens > 0) p.ReasoningResponses++;
        if (newModel) p.NewModelExchanges++;

        bool extraction = false;
        for (int i = 0; i < SignalKinds.Count; i++)
        {
            float s = analysis.Scores[i];
            p.ScoreSum[i] += s;
            if (s >= SignalKinds.HitThreshold)
            {
                p.Hits[i]++;
                if (((SignalKind)i).IsExtraction()) extraction = true;
            }
        }
        if (extraction) p.ExtractionHits++;

        int n = 0;
        if (!x.ClientIp.IsEmpty)
        {
            ulong ipKey = IndicatorKey.Of(IndicatorKind.Ip, x.ClientIp);
            HyperLogLog.Add(p.IpSketch, ipKey);
            if (p.AddIndicator(ipKey)) newKeys[n++] = ipKey;
            Span<char> net = stackalloc char[64];
            int len = IndicatorKey.NetworkOf(x.ClientIp, net);
            if (len > 0)
            {
                ulong netKey = IndicatorKey.Of(IndicatorKind.Network, net[..len]);
                HyperLogLog.Add(p.NetworkSketch, netKey);
                if (p.AddIndicator(netKey)) newKeys[n++] = netKey;
            }
        }
        if (!x.UserAgent.IsEmpty)
        {
            ulong uaKey = IndicatorKey.Of(IndicatorKind.UserAgent, x.UserAgent);
            HyperLogLog.Add(p.UserAgentSketch, uaKey);
            if (p.AddIndicator(uaKey)) newKeys[n++] = uaKey;
        }

        // Template keys: only recurring skeletons enter the table (one-off prompts would churn it and grow the
        // index with the number of exchanges). A key new to the table is returned for registration; a key already
        // there means this account used the template before: a near-duplicate shares its system key or ≥ 2 bands.
        int bandRepeats = 0;
        bool systemRepeat = false;
        for (int i = 0; i < analysis.TemplateKeyCount; i++)
        {
            if (!recurring[i]) continue;
            ulong key = analysis.TemplateKeys[i];
            if (!p.CountTemplate(key))
            {
                newKeys[n++] = key;
                continue;
            }
            var kind = IndicatorKey.KindOf(key);
            if (kind == IndicatorKind.SystemTemplate) systemRepeat = true;
            else if (kind == IndicatorKind.PromptTemplate) bandRepeats++;
        }
        if (systemRepeat || bandRepeats >= 2) p.TemplateReuse++;
        return n;
    }
}
