using System.Diagnostics;

namespace Chat.Bench.Load;

/// <summary>
/// Puts the load on the users' connections: at a set rate spread over the rooms (open loop), or
/// as fast as acks come back (closed loop). <c>users</c> lie room by room: the members of room r
/// are <c>users[r * membersPerRoom]</c> onwards.
/// </summary>
public sealed class LoadDriver(
    IReadOnlyList<SimulatedUser> users, int roomCount, int membersPerRoom, LoadMetrics metrics, int maxInFlight, int messageSize,
    string? content = null)
{
    // The content is the 19- or 20-digit timestamp, then what the scenario asks for or padding
    // up to the asked size.
    private readonly string padding = content ?? " " + new string('x', Math.Max(1, messageSize - 21));

    /// <summary>
    /// Open loop: messages go out at the given rate whatever the server's pace, spread round-robin
    /// over the rooms and, within a room, over its members.
    /// </summary>
    public async Task SendPacedAsync(double ratePerRoom, TimeSpan duration, CancellationToken cancellationToken)
    {
        var perSecond = ratePerRoom * roomCount;
        var start = Stopwatch.GetTimestamp();
        long issued = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (Stopwatch.GetElapsedTime(start) is var elapsed && elapsed < duration)
        {
            var due = (long)(elapsed.TotalSeconds * perSecond);
            for (; issued < due; issued++)
            {
                if (metrics.InFlight >= maxInFlight)
                {
                    // The server is this far behind: count what could not go out instead of queueing it.
                    metrics.OnError("bench_inflight_cap");
                    continue;
                }

                var room = (int)(issued % roomCount);
                var member = (int)(issued / roomCount % membersPerRoom);
                _ = users[(room * membersPerRoom) + member].SendAsync(padding);
            }

            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    /// <summary>Closed loop: every connection keeps <paramref name="window"/> sends outstanding until the time is up.</summary>
    public async Task SendClosedLoopAsync(TimeSpan duration, int window, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = users.SelectMany(user => Enumerable.Range(0, window).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                await user.SendAsync(padding);
            }
        }));
        await Task.WhenAll(loops);
    }

    /// <summary>
    /// Members who did not receive exactly what the others in their room had acknowledged: the
    /// totals alone could hide one member's loss behind another's duplicate.
    /// </summary>
    public static int MembersMissingMessages(IReadOnlyList<SimulatedUser> users, int roomCount, int membersPerRoom)
    {
        var wrong = 0;
        for (var r = 0; r < roomCount && users.Count > 0; r++)
        {
            var members = users.Skip(r * membersPerRoom).Take(membersPerRoom).ToList();
            var roomAcked = members.Sum(u => u.Acked);
            wrong += members.Count(u => u.Received != roomAcked - u.Acked);
        }

        return wrong;
    }

    /// <summary>Waits, up to <paramref name="limit"/>, until every send is acked and every owed delivery has arrived.</summary>
    public async Task DrainAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit && (metrics.InFlight > 0 || metrics.Delivered < metrics.ExpectedDeliveries))
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
