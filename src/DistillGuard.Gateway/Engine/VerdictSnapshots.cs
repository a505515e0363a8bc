using DistillGuard.Core.Verdicts;
using DistillGuard.Gateway.Storage;

namespace DistillGuard.Gateway.Engine;

/// <summary>
/// Published verdicts waiting to be saved to the state database, written at most every snapshot interval (and on
/// <see cref="Save"/>), so a restarted gateway enforces at once. Used from one thread.
/// </summary>
internal sealed class VerdictSnapshots
{
    private readonly GatewayStore _store;
    private readonly TimeSpan _every;
    private readonly List<AccountVerdict> _unsaved = new();
    private long _last; // Environment.TickCount64 of the last save (0: the first MaybeSave saves)

    public VerdictSnapshots(GatewayStore store, TimeSpan every)
    {
        _store = store;
        _every = every;
    }

    /// <summary>Queues a published verdict.</summary>
    public void Add(AccountVerdict verdict) => _unsaved.Add(verdict);

    /// <summary>Saves the queued verdicts if the interval has passed.</summary>
    public void MaybeSave()
    {
        if (Environment.TickCount64 - _last >= _every.TotalMilliseconds) Save();
    }

    /// <summary>Saves the queued verdicts now.</summary>
    public void Save()
    {
        _last = Environment.TickCount64;
        if (_unsaved.Count == 0) return;
        _store.SaveVerdicts(_unsaved);
        _unsaved.Clear();
    }
}
