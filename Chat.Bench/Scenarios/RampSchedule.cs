namespace Chat.Bench.Scenarios;

/// <summary>
/// The rates a ramp tries: raised by a factor while steps stay within the bound, then narrowed
/// between the last rate within and the first over it. With 15 % steps alone the knee could sit
/// anywhere in the 15 % above the rate reported, for ours and for the baseline independently, so
/// their ratio moved by as much as the build being judged; each narrowing halves that gap.
/// </summary>
public sealed class RampSchedule
{
    private readonly double factor;
    private readonly int maxSteps;
    private readonly int refinements;
    private double? highestWithin;
    private double? lowestOver;
    private int raisedSteps = 1;
    private int narrowedSteps;

    public RampSchedule(double firstRate, double factor, int maxSteps, int refinements)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(refinements);
        this.factor = factor;
        this.maxSteps = maxSteps;
        this.refinements = refinements;
        Rate = firstRate;
    }

    /// <summary>The rate per room to run next; null once the ramp is over.</summary>
    public double? Rate { get; private set; }

    /// <summary>Whether a step has been over the bound, so the ramp now narrows the gap below it.</summary>
    public bool Narrowing => lowestOver is not null;

    /// <summary>Takes the outcome of a step at <see cref="Rate"/> and moves on to the next rate, if any.</summary>
    public void Record(bool withinBound)
    {
        var rate = Rate ?? throw new InvalidOperationException("the ramp is over");
        if (Narrowing)
        {
            narrowedSteps++;
        }

        if (withinBound)
        {
            highestWithin = rate;
        }
        else
        {
            lowestOver = rate;
        }

        Rate = Next(rate);
    }

    private double? Next(double rate)
    {
        if (!Narrowing)
        {
            // Every step so far was within the bound.
            if (raisedSteps == maxSteps)
            {
                return null;
            }

            raisedSteps++;
            return rate * factor;
        }

        if (highestWithin is not { } within || narrowedSteps == refinements)
        {
            return null;
        }

        // Halfway on a log scale, as the raising steps were a factor apart rather than a fixed amount.
        return Math.Sqrt(within * lowestOver!.Value);
    }
}
