using System.Diagnostics;

namespace Chat.Bench.Chaos;

/// <summary>
/// The steady load of a chaos run: open loop, at the asked rate whatever happens to the cluster
/// (a user whose node is down goes on typing, and the client holds the sends until it is back),
/// spread round-robin over the rooms and, within a room, over its members.
/// </summary>
public sealed class ChaosLoad(IReadOnlyList<ChaosMember> members, int rooms, int membersPerRoom, MessageLedger ledger)
{
    /// <summary>Sends <paramref name="ratePerRoom"/> messages a second in every room until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(double ratePerRoom, CancellationToken stop)
    {
        var perSecond = ratePerRoom * rooms;
        var start = Stopwatch.GetTimestamp();
        long issued = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond);
                for (; issued < due; issued++)
                {
                    var room = (int)(issued % rooms);
                    var slot = (int)(issued / rooms % membersPerRoom);
                    var number = ledger.Issue(room, slot);
                    _ = members[(room * membersPerRoom) + slot].SendAsync(number);
                }

                await timer.WaitForNextTickAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The schedule is over.
        }
    }

    /// <summary>Waits, up to <paramref name="limit"/>, until every send has been acked or has failed.</summary>
    public async Task<bool> SettleAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (ledger.InFlight > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(100, cancellationToken);
        }

        return ledger.InFlight == 0;
    }
}
