using System.Collections.Concurrent;
using Chat.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chat.Hubs.Messages;

/// <summary>
/// Roughly how many users a room message reaches, for the delivered counter: the room's members
/// who are online, read at most once per few seconds per room.
/// </summary>
/// <remarks>
/// SignalR does not say how many connections a group send reached (and with Redis the sends
/// happen on other nodes), so the count is of users, not connections, and ignores blocks.
/// </remarks>
public sealed class RoomAudience(MembershipRepository members, TimeProvider clock, ILogger<RoomAudience> logger)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    // Stale counts are dropped once this many rooms are known, so memory follows busy rooms only.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<Guid, (int Online, DateTimeOffset ReadAt)> online = new();

    /// <summary>The members of <paramref name="roomId"/> who were online a moment ago.</summary>
    public async ValueTask<int> OnlineAsync(Guid roomId)
    {
        var now = clock.GetUtcNow();
        if (online.TryGetValue(roomId, out var known) && now - known.ReadAt < Freshness)
        {
            return known.Online;
        }

        try
        {
            var count = await members.OnlineCountAsync(roomId);
            online[roomId] = (count, now);
            if (online.Count > PruneAbove)
            {
                Prune(now);
            }

            return count;
        }
        catch (NpgsqlException e)
        {
            // Only a metric depends on it: the message has been stored and broadcast already.
            logger.LogDebug(e, "Counting the online members of {RoomId} failed", roomId);
            return known.Online;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (roomId, count) in online)
        {
            if (now - count.ReadAt >= Freshness)
            {
                online.TryRemove(roomId, out _);
            }
        }
    }
}
