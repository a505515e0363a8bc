using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Generation;

/// <summary>A lazily evaluated, time-ordered stream of request times for one account or one load-balanced campaign.</summary>
public abstract class EventSource
{
    /// <summary>Time of the next event (Unix ms), or <see cref="long.MaxValue"/> when exhausted.</summary>
    public long NextMs { get; protected set; } = long.MaxValue;

    /// <summary>The account that sends the next event.</summary>
    public abstract SimAccount Current { get; }

    /// <summary>Moves to the event after the one just emitted.</summary>
    public abstract void Advance();
}

/// <summary>One account's own activity: diurnal sessions, an always-on script, or bursty sweeps.</summary>
public sealed class AccountActivity : EventSource
{
    private readonly SimAccount _account;
    private readonly ActivitySpec _spec;
    private readonly long _endMs;
    private readonly double _peakPerMs;
    private readonly double _meanGapMs;
    private int _burstLeft;

    /// <summary>Creates the source and schedules its first event.</summary>
    public AccountActivity(SimAccount account, long startMs, long endMs)
    {
        _account = account;
        _spec = account.Persona.Activity;
        _endMs = endMs;
        double windowMs = Math.Max(60_000, endMs - startMs);
        var r = account.Rng;
        switch (_spec.Pattern)
        {
            case "always_on":
                _meanGapMs = windowMs / Math.Max(1, account.Budget);
                NextMs = startMs + (long)(r.NextDouble() * _meanGapMs);
                break;
            case "bursty":
                _peakPerMs = account.Budget / _spec.BurstSize.Mean / (windowMs * Math.Max(0.01, TimeCurve.DutyCycle(_spec)));
                NextMs = TimeCurve.NextArrival(startMs, _peakPerMs, account.TimezoneHours, _spec, r, endMs);
                _burstLeft = Math.Max(1, _spec.BurstSize.Int(r)) - 1;
                break;
            default: // diurnal
                double sessions = account.Budget / Math.Max(1, account.Persona.Session.Turns.Mean);
                _peakPerMs = sessions / (windowMs * Math.Max(0.01, TimeCurve.DutyCycle(_spec)));
                NextMs = TimeCurve.NextArrival(startMs, _peakPerMs, account.TimezoneHours, _spec, r, endMs);
                break;
        }
        if (NextMs > endMs) NextMs = long.MaxValue;
    }

    /// <inheritdoc />
    public override SimAccount Current => _account;

    /// <inheritdoc />
    public override void Advance()
    {
        var a = _account;
        var r = a.Rng;
        long now = NextMs;
        if (a.Sent >= a.Budget) { NextMs = long.MaxValue; return; }
        long next;
        if (a.Session is { TurnsLeft: > 0 })
            next = now + (long)(a.Persona.Session.ThinkSeconds.Uniform(r) * 1000);
        else
        {
            a.Session = null;
            switch (_spec.Pattern)
            {
                case "always_on":
                    next = now + Math.Max(1, (long)TimeCurve.Gamma(_spec.GapShape, _meanGapMs / _spec.GapShape, r));
                    break;
                case "bursty":
                    if (_burstLeft > 0)
                    {
                        _burstLeft--;
                        next = now + (long)(_spec.BurstGapSeconds.Uniform(r) * 1000);
                    }
                    else
                    {
                        next = TimeCurve.NextArrival(now, _peakPerMs, a.TimezoneHours, _spec, r, _endMs);
                        _burstLeft = Math.Max(1, _spec.BurstSize.Int(r)) - 1;
                    }
                    break;
                default:
                    next = TimeCurve.NextArrival(now, _peakPerMs, a.TimezoneHours, _spec, r, _endMs);
                    break;
            }
        }
        NextMs = next > _endMs || next < now ? long.MaxValue : next;
    }
}

/// <summary>One request stream load-balanced over a campaign's accounts (strict rotation or random choice), with Gamma gaps.</summary>
public sealed class RoundRobinActivity : EventSource
{
    private readonly IReadOnlyList<SimAccount> _accounts;
    private readonly ActivitySpec _spec;
    private readonly Random _rng;
    private readonly long _endMs;
    private readonly double _meanGapMs;
    private long _remaining;
    private int _index;

    /// <summary>Creates the source and schedules its first event.</summary>
    public RoundRobinActivity(IReadOnlyList<SimAccount> accounts, long total, long startMs, long endMs, Random rng)
    {
        _accounts = accounts;
        _spec = accounts[0].Persona.Activity;
        _rng = rng;
        _endMs = endMs;
        _remaining = total;
        // Slightly shorter than window / total, so random gaps rarely push the last requests past the window.
        _meanGapMs = Math.Max(1.0, 0.95 * (endMs - startMs) / (double)Math.Max(1, total));
        _index = rng.Next(accounts.Count);
        NextMs = total > 0 ? startMs + (long)(rng.NextDouble() * _meanGapMs) : long.MaxValue;
    }

    /// <inheritdoc />
    public override SimAccount Current => _accounts[_index];

    /// <inheritdoc />
    public override void Advance()
    {
        if (--_remaining <= 0) { NextMs = long.MaxValue; return; }
        _index = _spec.Assignment == "random" ? _rng.Next(_accounts.Count) : (_index + 1) % _accounts.Count;
        long next = NextMs + Math.Max(1, (long)TimeCurve.Gamma(_spec.GapShape, _meanGapMs / _spec.GapShape, _rng));
        NextMs = next > _endMs ? long.MaxValue : next;
    }
}
