using DistillGuard.Core.Signals;
using DistillGuard.Core.Similarity;

namespace DistillGuard.Core.Profiles;

/// <summary>
/// The streaming behavioural profile of one account: counters, sketches and small fixed tables, never prompts.
/// Its size does not depend on the number of exchanges (640 bytes, see docs/performance.md).
/// </summary>
/// <remarks>
/// A plain state object any host can keep (a dictionary in one process, a grain in a cluster). It is updated by
/// <see cref="ProfileUpdater"/> and read by the scorers; it is not thread-safe.
/// </remarks>
public sealed class AccountProfile
{
    /// <summary>Slots of the space-saving table of template keys (Metwally, Agrawal and El Abbadi, "Efficient computation of frequent and top-k elements in data streams", ICDT 2005).</summary>
    public const int TemplateSlots = 12;

    /// <summary>Most indicator keys (IPs, networks, user agents, payment, e-mail domain, creation burst) kept per account.</summary>
    public const int MaxIndicators = 12;

    /// <summary>Creates the profile of <paramref name="accountId"/>.</summary>
    public AccountProfile(string accountId, int index)
    {
        AccountId = accountId;
        Index = index;
    }

    /// <summary>The account id.</summary>
    public string AccountId { get; }

    /// <summary>Dense index of the account inside its engine (stable for the engine's lifetime; reassigned only when another engine adopts the profile in <see cref="Engine.DetectionEngine.MergePartition"/>).</summary>
    public int Index { get; internal set; }

    /// <summary>Registry facts, when an accounts file or registry lookup supplied them.</summary>
    public AccountMetadata? Metadata { get; set; }

    /// <summary>Hash of the account's organisation id (from the registry or the log), 0 when unknown.</summary>
    public ulong OrgKey;

    /// <summary>Exchanges seen.</summary>
    public int Exchanges;
    /// <summary>First and last exchange time, Unix ms.</summary>
    public long FirstSeenMs, LastSeenMs;
    /// <summary>Input, output and reasoning tokens (reported, or estimated at 4 characters per token when no usage was logged).</summary>
    public long TokensIn, TokensOut, ReasoningTokens;
    /// <summary>Exchanges that were single-turn (one user turn, no history).</summary>
    public int SingleTurn;
    /// <summary>Exchanges that offered tools.</summary>
    public int WithTools;
    /// <summary>Exchanges that offered tools for a fresh task (no tool results, no assistant turns).</summary>
    public int FreshToolTasks;
    /// <summary>Exchanges whose response exposed reasoning.</summary>
    public int ReasoningResponses;
    /// <summary>Exchanges that reused a template already frequent in this account.</summary>
    public int TemplateReuse;
    /// <summary>Exchanges sent to a model within 72 hours of that model's first sighting.</summary>
    public int NewModelExchanges;
    /// <summary>Exchanges with at least one extraction signal at or above the hit threshold.</summary>
    public int ExtractionHits;
    /// <summary>Sum of each signal's scores (0–1 each) over all exchanges.</summary>
    public SignalFloats ScoreSum;
    /// <summary>Per signal, exchanges scoring at or above <see cref="SignalKinds.HitThreshold"/>.</summary>
    public SignalCounters Hits;
    /// <summary>Welford running mean and sum of squared deviations of log10 inter-arrival seconds.</summary>
    public double GapMean, GapM2;
    /// <summary>Number of inter-arrival gaps recorded.</summary>
    public int GapCount;
    /// <summary>Exchanges per UTC hour of day.</summary>
    public HourCounters Hours;
    /// <summary>HyperLogLog registers of client IPs, /24 networks and user agents.</summary>
    public Registers16 IpSketch, NetworkSketch, UserAgentSketch;
    /// <summary>Space-saving table of template keys and their counts.</summary>
    public TemplateKeyBuffer TemplateKeys;
    /// <summary>Counts of <see cref="TemplateKeys"/>.</summary>
    public TemplateCountBuffer TemplateCounts;
    /// <summary>Template slots in use.</summary>
    public byte TemplateCount;
    /// <summary>Indicator keys of this account (see <see cref="Indicators.IndicatorKey"/>).</summary>
    public IndicatorKeyBuffer IndicatorKeys;
    /// <summary>Indicator slots in use.</summary>
    public byte IndicatorCount;

    // Verdict state (owned by the engine).
    /// <summary>Whether the account is in the campaign graph (it has extraction evidence).</summary>
    public bool Candidate;
    /// <summary>Own risk score 0–100 (before campaign lift).</summary>
    public float OwnRisk;
    /// <summary>Own extraction-content sub-score, 0–1 (cached from the last assessment).</summary>
    public float OwnContent;
    /// <summary>Sum of edge weights to other members of the account's community (0 when alone).</summary>
    public float LinkStrength;
    /// <summary>The strongest infrastructure tie (network and registry indicators) to one other member, per edge.</summary>
    public float InfrastructureLink;
    /// <summary>The strongest template tie (shared prompt skeletons) to one other member, per edge.</summary>
    public float TemplateLink;
    /// <summary>Final risk score 0–100 (after campaign lift).</summary>
    public float Risk;
    /// <summary>Current verdict.</summary>
    public Scoring.Verdict Verdict;
    /// <summary>Time (Unix ms) at which the account first reached <c>attack</c> in stream order; 0 when never.</summary>
    public long FirstFlaggedAtMs;
    /// <summary>Time (Unix ms) at which the account first reached <c>suspicious</c> or higher in stream order; 0 when never.</summary>
    public long FirstSuspiciousAtMs;
    /// <summary>Community label in the campaign graph (-1 when none).</summary>
    public int Label = -1;
    /// <summary>Evidence kept for candidates only (examples, hourly activity); null for everyone else.</summary>
    public Evidence? Evidence;

    /// <summary>Distinct client IPs (HyperLogLog estimate).</summary>
    public double DistinctIps => HyperLogLog.Estimate(IpSketch);

    /// <summary>Distinct /24 networks (HyperLogLog estimate).</summary>
    public double DistinctNetworks => HyperLogLog.Estimate(NetworkSketch);

    /// <summary>Distinct user agents (HyperLogLog estimate).</summary>
    public double DistinctUserAgents => HyperLogLog.Estimate(UserAgentSketch);

    /// <summary>Mean score of a signal over all exchanges, 0–1.</summary>
    public float MeanScore(SignalKind kind) => Exchanges == 0 ? 0f : ScoreSum[(int)kind] / Exchanges;

    /// <summary>Adds <paramref name="key"/> to the indicator set.</summary>
    /// <returns>True when the key is new to this account (and there was room).</returns>
    public bool AddIndicator(ulong key)
    {
        for (int i = 0; i < IndicatorCount; i++) if (IndicatorKeys[i] == key) return false;
        if (IndicatorCount == MaxIndicators) return false;
        IndicatorKeys[IndicatorCount++] = key;
        return true;
    }

    /// <summary>
    /// Counts one occurrence of a template key in the space-saving table (an absent key replaces the least frequent
    /// one and inherits its count + 1, the standard over-estimate).
    /// </summary>
    /// <param name="key">Template key.</param>
    /// <returns>True when the key was already in the table (this account used the template before).</returns>
    public bool CountTemplate(ulong key)
    {
        int min = int.MaxValue, minSlot = 0;
        for (int i = 0; i < TemplateCount; i++)
        {
            if (TemplateKeys[i] == key)
            {
                TemplateCounts[i]++;
                return true;
            }
            if (TemplateCounts[i] < min) { min = TemplateCounts[i]; minSlot = i; }
        }
        if (TemplateCount < TemplateSlots)
        {
            TemplateKeys[TemplateCount] = key;
            TemplateCounts[TemplateCount++] = 1;
            return false;
        }
        TemplateKeys[minSlot] = key;
        TemplateCounts[minSlot] = min + 1;
        return false;
    }

    /// <summary>The template keys in the account's table (templates it uses).</summary>
    public ReadOnlySpan<ulong> Templates => ((ReadOnlySpan<ulong>)TemplateKeys)[..TemplateCount];

    /// <summary>Entropy of the hour-of-day histogram in bits (0–log2 24 ≈ 4.585).</summary>
    public double HourEntropyBits()
    {
        double total = 0;
        for (int h = 0; h < 24; h++) total += Hours[h];
        if (total == 0) return 0;
        double e = 0;
        for (int h = 0; h < 24; h++)
        {
            if (Hours[h] == 0) continue;
            double p = Hours[h] / total;
            e -= p * Math.Log2(p);
        }
        return e;
    }

    /// <summary>Standard deviation of log10 inter-arrival seconds (0 when fewer than two gaps).</summary>
    public double GapLogStdDev => GapCount < 2 ? 0 : Math.Sqrt(GapM2 / (GapCount - 1));
}
