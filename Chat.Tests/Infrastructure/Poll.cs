namespace Chat.Tests.Infrastructure;

/// <summary>Waits for a condition that has no event to wait on, checking it until a deadline.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once <paramref name="condition"/> holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!await condition())
        {
            try
            {
                await Task.Delay(Interval, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {deadline.TotalSeconds} s: {what}");
            }
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what) =>
        UntilAsync(() => Task.FromResult(condition()), deadline, what);
}
