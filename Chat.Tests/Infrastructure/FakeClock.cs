using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Infrastructure;

/// <summary>Moving a node's <see cref="FakeTimeProvider"/> until what a deadline brings about is seen.</summary>
public static class FakeClock
{
    /// <summary>How long a step of the clock waits for what the step should bring about.</summary>
    public static readonly TimeSpan StepWait = TimeSpan.FromMilliseconds(250);

    // A typing expiry pass: the node's expiry loop waits this long on the clock between passes.
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Moves the clock a step at a time until <paramref name="next"/> returns what it waits for
    /// (it throws <see cref="TimeoutException"/> while nothing came): a node's loops wait on the
    /// same clock, so they wake only as it moves.
    /// </summary>
    public static async Task<T> AdvanceUntilAsync<T>(this FakeTimeProvider clock, Func<Task<T>> next)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            clock.Advance(Step);
            try
            {
                return await next();
            }
            catch (TimeoutException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
            }
        }
    }
}
