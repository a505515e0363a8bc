using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Cluster.Log;

/// <summary>
/// Deletes expired scan logs from PostgreSQL every <see cref="Period"/> (Redis expires keys itself). Runs on every
/// silo; the deletes are idempotent, so several sweepers at once are harmless.
/// </summary>
public sealed class DetectorLogSweeper(PostgresDetectorLog log, ILogger<DetectorLogSweeper> logger) : BackgroundService
{
    /// <summary>Time between sweeps.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                int deleted = await log.SweepExpiredAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Entries} entries of expired detector logs", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Sweeping expired detector logs failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
