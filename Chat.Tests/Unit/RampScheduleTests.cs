using Chat.Bench.Scenarios;

namespace Chat.Tests.Unit;

public sealed class RampScheduleTests
{
    /// <summary>Runs a ramp against a service that keeps within the bound up to <paramref name="capacity"/>; returns the rates tried.</summary>
    private static List<double> Ramp(RampSchedule schedule, double capacity)
    {
        var rates = new List<double>();
        while (schedule.Rate is { } rate)
        {
            rates.Add(rate);
            schedule.Record(rate <= capacity);
        }

        return rates;
    }

    [Fact]
    public void Without_narrowing_the_ramp_raises_by_the_factor_and_stops_at_the_first_rate_over_the_bound()
    {
        var rates = Ramp(new RampSchedule(1, 2, maxSteps: 10, refinements: 0), capacity: 5);

        Assert.Equal([1, 2, 4, 8], rates);
    }

    [Fact]
    public void Narrowing_halves_the_gap_between_the_last_rate_within_the_bound_and_the_first_over_it()
    {
        var rates = Ramp(new RampSchedule(1, 2, maxSteps: 10, refinements: 3), capacity: 5);

        // 4 within, 8 over; then √32 ≈ 5.66 over, √(4·5.66) ≈ 4.76 within, √(4.76·5.66) ≈ 5.19 over.
        Assert.Equal(7, rates.Count);
        Assert.Equal([1, 2, 4, 8], rates[..4]);
        Assert.Equal(Math.Sqrt(32), rates[4], 9);
        Assert.Equal(Math.Sqrt(4 * rates[4]), rates[5], 9);
        Assert.Equal(Math.Sqrt(rates[5] * rates[4]), rates[6], 9);
        var highestWithin = rates.Where(r => r <= 5).Max();
        Assert.InRange(highestWithin, 4.7, 5);
    }

    [Fact]
    public void A_ramp_that_never_passes_the_bound_stops_at_its_step_limit_without_narrowing()
    {
        var schedule = new RampSchedule(1, 1.5, maxSteps: 4, refinements: 3);

        var rates = Ramp(schedule, capacity: 1_000);

        Assert.Equal(4, rates.Count);
        Assert.False(schedule.Narrowing);
    }

    [Fact]
    public void A_first_step_over_the_bound_leaves_nothing_to_narrow()
    {
        var rates = Ramp(new RampSchedule(10, 1.5, maxSteps: 4, refinements: 3), capacity: 5);

        Assert.Equal([10], rates);
    }
}
