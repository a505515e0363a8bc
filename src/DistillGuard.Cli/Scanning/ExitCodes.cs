namespace DistillGuard.Cli.Scanning;

/// <summary>Process exit codes of the distillguard command.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>A check failed (eval thresholds not met).</summary>
    public const int CheckFailed = 1;
    /// <summary>Usage error, or an input that cannot be read.</summary>
    public const int Usage = 2;
    /// <summary>With <c>--fail-on attack</c>: at least one account's verdict is attack.</summary>
    public const int AttackFound = 3;
}
