using DistillGuard.Core.Exchanges;

namespace DistillGuard.TestSupport;

/// <summary>Builds exchanges in memory for tests.</summary>
public static class TestExchanges
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A single-turn exchange.</summary>
    public static Exchange Make(string account, string user, string? system = null, double minutes = 0, string? ip = "203.0.113.7",
        Action<Exchange>? configure = null)
    {
        var x = new Exchange();
        x.SetAccountId(account);
        x.TimestampMs = Epoch.AddMinutes(minutes).ToUnixTimeMilliseconds();
        x.Format = ApiFormat.OpenAIChat;
        if (ip is not null) x.SetClientIp(ip);
        x.SetUserAgent("test-client/1.0");
        x.SetModel("frontier-1");
        if (system is not null) x.AddSegment(MessageRole.System, -1, system);
        x.AddSegment(MessageRole.User, 0, user);
        x.MessageCount = 1;
        x.UserTurns = 1;
        configure?.Invoke(x);
        return x;
    }

    /// <summary>Unix milliseconds <paramref name="minutes"/> after the test epoch.</summary>
    public static long At(double minutes) => Epoch.AddMinutes(minutes).ToUnixTimeMilliseconds();
}
