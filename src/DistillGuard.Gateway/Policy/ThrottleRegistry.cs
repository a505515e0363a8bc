using System.Collections.Concurrent;

namespace DistillGuard.Gateway.Policy;

/// <summary>
/// Token buckets per account: one of requests and one of tokens (input + output, charged when the response reports
/// its usage). A bucket holds up to a minute's allowance and refills continuously, so bursts up to the per-minute limit
/// pass and sustained traffic is held to the rate. Thread-safe.
/// </summary>
public sealed class ThrottleRegistry
{
    private sealed class Buckets
    {
        public double Requests, Tokens;
        public long StampMs;
        public int RequestsPerMinute, TokensPerMinute;
    }

    private readonly ConcurrentDictionary<string, Buckets> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes one request from the account's bucket under <paramref name="rule"/>.</summary>
    /// <returns>0 when admitted, else the seconds until the next request would be.</returns>
    public int TryAdmit(string accountId, PolicyRule rule, long nowMs)
    {
        var b = _buckets.GetOrAdd(accountId, _ => new Buckets { Requests = rule.RequestsPerMinute, Tokens = rule.TokensPerMinute, StampMs = nowMs });
        lock (b)
        {
            Refill(b, rule, nowMs);
            if (rule.TokensPerMinute > 0 && b.Tokens <= 0)
                return Math.Max(1, (int)Math.Ceiling(-b.Tokens / (rule.TokensPerMinute / 60.0) + 1e-9));
            if (b.Requests < 1)
                return Math.Max(1, (int)Math.Ceiling((1 - b.Requests) / (rule.RequestsPerMinute / 60.0)));
            b.Requests -= 1;
            return 0;
        }
    }

    /// <summary>Charges tokens used by an admitted request (the bucket may go negative: the next requests wait).</summary>
    public void Charge(string accountId, int tokens)
    {
        if (tokens <= 0 || !_buckets.TryGetValue(accountId, out var b)) return;
        lock (b) b.Tokens -= tokens;
    }

    private static void Refill(Buckets b, PolicyRule rule, long nowMs)
    {
        if (b.RequestsPerMinute != rule.RequestsPerMinute || b.TokensPerMinute != rule.TokensPerMinute)
        {
            // The account moved to another rule: start from its allowance.
            b.RequestsPerMinute = rule.RequestsPerMinute;
            b.TokensPerMinute = rule.TokensPerMinute;
            b.Requests = Math.Min(b.Requests, rule.RequestsPerMinute);
            b.Tokens = Math.Min(b.Tokens, rule.TokensPerMinute);
        }
        double minutes = Math.Max(0, nowMs - b.StampMs) / 60_000.0;
        b.StampMs = nowMs;
        b.Requests = Math.Min(rule.RequestsPerMinute, b.Requests + minutes * rule.RequestsPerMinute);
        if (rule.TokensPerMinute > 0) b.Tokens = Math.Min(rule.TokensPerMinute, b.Tokens + minutes * rule.TokensPerMinute);
    }
}
