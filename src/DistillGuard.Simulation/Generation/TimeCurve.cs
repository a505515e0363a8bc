using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Generation;

/// <summary>Relative activity of a person over the week in their time zone, and samplers for arrival processes.</summary>
public static class TimeCurve
{
    /// <summary>Activity weight 0–1 at <paramref name="utcMs"/> for someone at UTC offset <paramref name="tzHours"/>.</summary>
    public static double Weight(long utcMs, double tzHours, ActivitySpec a)
    {
        double localHours = utcMs / 3_600_000.0 + tzHours;
        double hourOfDay = ((localHours % 24) + 24) % 24;
        long day = (long)Math.Floor(localHours / 24);
        int weekday = (int)(((day + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday (4)
        bool weekend = weekday is 0 or 6;
        bool active = a.ActiveHours.Min <= a.ActiveHours.Max
            ? hourOfDay >= a.ActiveHours.Min && hourOfDay < a.ActiveHours.Max
            : hourOfDay >= a.ActiveHours.Min || hourOfDay < a.ActiveHours.Max;
        double w = active ? 1.0 : a.Night;
        return weekend ? w * a.Weekend : w;
    }

    /// <summary>Share of a week's hours weighted by <see cref="Weight"/> (to turn a count into a peak rate).</summary>
    public static double DutyCycle(ActivitySpec a)
    {
        double sum = 0;
        for (int h = 0; h < 24 * 7; h++) sum += Weight(h * 3_600_000L, 0, a);
        return sum / (24 * 7);
    }

    /// <summary>Next arrival after <paramref name="fromMs"/> of a Poisson process with peak rate <paramref name="peakPerMs"/> thinned by the activity curve (Lewis and Shedler, 1979).</summary>
    public static long NextArrival(long fromMs, double peakPerMs, double tzHours, ActivitySpec a, Random r, long untilMs)
    {
        double t = fromMs;
        while (t <= untilMs)
        {
            t += -Math.Log(1 - r.NextDouble()) / peakPerMs;
            if (r.NextDouble() < Weight((long)t, tzHours, a)) return (long)t;
        }
        return long.MaxValue;
    }

    /// <summary>A Gamma(shape, scale) draw (Marsaglia and Tsang, 2000).</summary>
    public static double Gamma(double shape, double scale, Random r)
    {
        if (shape < 1) return Gamma(shape + 1, scale, r) * Math.Pow(r.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(r);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = r.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v * scale;
        }
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
