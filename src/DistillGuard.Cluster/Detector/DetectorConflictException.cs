namespace DistillGuard.Cluster.Detector;

/// <summary>
/// A detector activation found its durable log longer than it expected: another activation of the same detector
/// appended to it (possible for a moment while membership settles after a failure). The activation deactivates;
/// the caller retries, and the next activation replays the log. Retryable.
/// </summary>
[GenerateSerializer]
public sealed class DetectorConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DetectorConflictException(string message) : base(message) { }
}
