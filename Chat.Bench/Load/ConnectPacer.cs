using System.Diagnostics;

namespace Chat.Bench.Load;

/// <summary>
/// Connects simulated users at a set pace, each then confirmed in its room, retrying a failed
/// connect a few times (a loaded server refuses some at first).
/// </summary>
public static class ConnectPacer
{
    private const int Parallelism = 256;
    private const int Attempts = 3;

    /// <summary>
    /// Connects <paramref name="users"/> at <paramref name="perSecond"/>, confirming each with
    /// <paramref name="confirm"/> (given the user's index) and telling <paramref name="onConnected"/>;
    /// failed attempts are counted in <paramref name="metrics"/>.
    /// </summary>
    public static Task ConnectAllAsync(
        IReadOnlyList<SimulatedUser> users,
        double perSecond,
        Func<SimulatedUser, int, CancellationToken, Task>? confirm,
        LoadMetrics metrics,
        Action onConnected,
        CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        return Parallel.ForAsync(0, users.Count, options, async (i, ct) =>
        {
            // Paced by the clock, not by how fast earlier connects went, so the rate is what was asked.
            var due = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, ct);
            }

            var user = users[i];
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await user.Connection.StartAsync(ct);
                    break;
                }
                catch (Exception e) when (attempt < Attempts && !ct.IsCancellationRequested)
                {
                    metrics.OnError($"connect:{SimulatedUser.ErrorCode(e)}");
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                }
            }

            if (confirm is not null)
            {
                try
                {
                    await confirm(user, i, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // Counted, not fatal: a member that may have missed the room shows in the
                    // members with a wrong count, and the run goes on to say how the rest fared.
                    metrics.OnError($"confirm:{SimulatedUser.ErrorCode(e)}");
                    return;
                }
            }

            onConnected();
        });
    }
}
