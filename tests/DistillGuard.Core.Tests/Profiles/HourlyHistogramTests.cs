using DistillGuard.Core.Profiles;

namespace DistillGuard.Core.Tests.Profiles;

public class HourlyHistogramTests
{
    [Fact]
    public void Counts_match_a_dictionary_for_any_arrival_order()
    {
        var random = new Random(7);
        var h = new HourlyHistogram();
        var expected = new Dictionary<int, int>();
        int baseHour = 490_000; // 2025
        for (int i = 0; i < 5_000; i++)
        {
            // Mostly increasing, with late arrivals and a few hours before the first one.
            int hour = baseHour + i / 40 + (random.Next(10) == 0 ? -random.Next(30) : 0);
            h.Add(hour);
            expected[hour] = expected.GetValueOrDefault(hour) + 1;
        }
        Assert.Equal(expected.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)), h.Cells());
        Assert.Equal(expected.Count, h.Count);
    }

    [Fact]
    public void Counts_saturate_and_far_hours_are_dropped()
    {
        var h = new HourlyHistogram();
        for (int i = 0; i < 70_000; i++) h.Add(100);
        h.Add(100 + 70_000);
        Assert.Equal([(100, 65_535)], h.Cells());
    }
}
