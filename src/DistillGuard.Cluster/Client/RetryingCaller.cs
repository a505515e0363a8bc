using System.Diagnostics;
using System.Net.Sockets;
using DistillGuard.Cluster.Detector;

namespace DistillGuard.Cluster.Client;

/// <summary>
/// Calls a grain and retries after transient failures (a silo lost or being replaced, a dropped connection, a timeout,
/// a log conflict) until the cluster has recovered. Only for idempotent calls: every detector call is.
/// </summary>
public sealed class RetryingCaller
{
    private readonly Action<string> _log;

    /// <param name="log">Receives one line when a call first fails and when it succeeds again.</param>
    public RetryingCaller(Action<string>? log = null) => _log = log ?? (_ => { });

    /// <summary>
    /// How long one attempt may take before it is abandoned and retried. A call to a silo that died is otherwise only
    /// failed by Orleans' response timeout (30 s).
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a call is retried before the failure is reported; <see cref="Timeout.InfiniteTimeSpan"/> for ever.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Calls retried so far.</summary>
    public int Retries => _retries;

    private int _retries;

    /// <summary>Runs <paramref name="call"/>, retrying transient failures.</summary>
    /// <param name="call">The idempotent call.</param>
    /// <param name="what">What it is, for log lines and errors.</param>
    /// <param name="cancel">Stops retrying.</param>
    /// <exception cref="InvalidOperationException">Still failing after <see cref="RetryFor"/>.</exception>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, string what, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(250);
        bool forever = RetryFor == Timeout.InfiniteTimeSpan;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var result = await call().WaitAsync(CallTimeout, cancel);
                if (attempt > 0) _log($"{what}: succeeded after {attempt} retries, {clock.Elapsed.TotalSeconds:F1} s");
                return result;
            }
            catch (Exception e) when (IsTransient(e) && (forever || clock.Elapsed < RetryFor) && !cancel.IsCancellationRequested)
            {
                Interlocked.Increment(ref _retries);
                if (attempt == 0) _log($"{what}: {e.GetType().Name}: {FirstLine(e.Message)}; retrying{(forever ? "" : $" for up to {RetryFor.TotalSeconds:F0} s")}");
                await Task.Delay(delay, cancel);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
            catch (Exception e) when (IsTransient(e) && !cancel.IsCancellationRequested)
            {
                throw new InvalidOperationException($"{what}: the cluster did not recover within {RetryFor.TotalSeconds:F0} s: {FirstLine(e.Message)}", e);
            }
        }
    }

    /// <summary>Failures a retry can outlive.</summary>
    public static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException or DetectorConflictException or IOException or SocketException;

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();
}
