using System.Collections.Concurrent;
using Chat.Data;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Broadcasting;

/// <summary>
/// Roughly how many users a room message reaches, for the delivered counter: the room's members
/// who are online, read again when a count is 10 to 30 seconds old.
/// </summary>
/// <remarks>
/// SignalR does not say how many connections a group send reached (and with Redis the sends
/// happen on other nodes), so the count is of users, not connections, and ignores blocks.
/// Only a room's first message waits for the count; after that a stale count is used as it is
/// and refreshed in the background, so a metric never holds up a sender's ack.
/// </remarks>
public sealed class OnlineMemberCount(MembershipRepository members, TimeProvider clock, ILogger<OnlineMemberCount> logger)
{
    // Each count is kept for a random 10 to 30 seconds, so that rooms that got busy at the same
    // moment (a deploy, a bench's start) do not all read again in the same instant, a burst of one
    // query per room that stalls every send's transaction.
    private static readonly TimeSpan ShortestFreshness = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FreshnessSpread = TimeSpan.FromSeconds(20);

    // Stale counts are dropped once this many rooms are known, so memory follows busy rooms only.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<Guid, (int Online, DateTimeOffset StaleAt)> online = new();

    // Rooms whose count is being read again: one read per room at a time.
    private readonly ConcurrentDictionary<Guid, byte> refreshing = new();

    /// <summary>The members of <paramref name="roomId"/> who were online a moment ago.</summary>
    public async ValueTask<int> OnlineAsync(Guid roomId)
    {
        if (!online.TryGetValue(roomId, out var known))
        {
            return await ReadAsync(roomId) ?? 0;
        }

        if (clock.GetUtcNow() >= known.StaleAt && refreshing.TryAdd(roomId, 0))
        {
            _ = RefreshAsync(roomId);
        }

        return known.Online;
    }

    private async Task RefreshAsync(Guid roomId)
    {
        try
        {
            await ReadAsync(roomId);
        }
        finally
        {
            refreshing.TryRemove(roomId, out _);
        }
    }

    private async Task<int?> ReadAsync(Guid roomId)
    {
        try
        {
            var count = await members.OnlineCountAsync(roomId);
            var now = clock.GetUtcNow();
            online[roomId] = (count, now + ShortestFreshness + FreshnessSpread * Random.Shared.NextDouble());
            if (online.Count > PruneAbove)
            {
                Prune(now);
            }

            return count;
        }
        catch (Exception e)
        {
            // Only a metric depends on it: the message has been stored and broadcast already, and
            // no failure here (a lost database, a pool disposed at shutdown) may fail its send.
            logger.LogDebug(e, "Counting the online members of {RoomId} failed", roomId);
            return null;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (roomId, count) in online)
        {
            if (now >= count.StaleAt)
            {
                online.TryRemove(roomId, out _);
            }
        }
    }
}
