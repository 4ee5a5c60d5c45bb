using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Presence;

/// <summary>
/// A user's presence across the cluster: online with the first connection anywhere, offline with
/// a last-seen time when the last one closes, or what the user chose in between. The status is
/// stored in PostgreSQL, which every node reads; the user's rooms hear <c>PresenceChanged</c>
/// whenever it changes, and only then.
/// </summary>
/// <remarks>
/// Every decision runs with the user locked (<see cref="PresenceLock"/>) and counts the live
/// connections only once it holds the lock. Connections that open and close at the same moment, on any nodes, therefore
/// settle one after another, and the last decision always sees every connection change made
/// before it: the stored status ends right, and each change is announced once.
/// </remarks>
public sealed class PresenceService(
    ConnectionDirectory connections,
    UserRepository users,
    MembershipRepository members,
    RoomSizes sizes,
    RoomBroadcaster broadcaster,
    TimeProvider clock,
    ILogger<PresenceService> logger)
{
    /// <summary>
    /// Brings the stored presence in line with the user's live connections: online when an
    /// offline user has one, offline when none is left. <paramref name="roomIds"/>, when the
    /// caller has them, saves reading the user's rooms again.
    /// </summary>
    public async Task SettleAsync(Guid userId, IReadOnlyList<Guid>? roomIds = null, CancellationToken cancellationToken = default)
    {
        await using var stored = await users.LockPresenceAsync(userId, cancellationToken);
        if (stored is null)
        {
            return;
        }

        var live = await connections.CountAsync(userId);
        var change = PresenceRules.Settle(userId, stored.Status, stored.LastSeenAt, live, clock.UtcNowAsStored());
        await ApplyAsync(stored, change, roomIds, cancellationToken);
    }

    /// <summary>Sets the status the user chose, for all of the user's connections.</summary>
    public async Task SetAsync(Caller caller, PresenceStatus chosen, CancellationToken cancellationToken = default)
    {
        await using var stored = await users.LockPresenceAsync(caller.UserId, cancellationToken) ?? throw ChatException.NotFound("user");
        await ApplyAsync(stored, PresenceRules.Choose(caller.UserId, stored.Status, stored.LastSeenAt, chosen), roomIds: null, cancellationToken);
    }

    /// <summary>
    /// Starts or stops the connection watching the presence of a room the caller is a member of.
    /// The room's size is known first, so the changes that follow reach the watcher the way the
    /// room's size says.
    /// </summary>
    public async Task WatchAsync(Caller caller, string connectionId, Guid roomId, bool watching, CancellationToken cancellationToken = default)
    {
        if (watching)
        {
            _ = await members.FindAsync(roomId, caller.UserId, cancellationToken) ?? throw ChatException.Forbidden("you are not a member of this room");
            await sizes.KnowAsync([roomId], cancellationToken);
        }

        await broadcaster.WatchPresenceAsync(connectionId, roomId, watching);
    }

    private async Task ApplyAsync(PresenceLock stored, PresenceChangedEvent? change, IReadOnlyList<Guid>? roomIds, CancellationToken cancellationToken)
    {
        if (change is null)
        {
            return;
        }

        await stored.SetAsync(change.Status, change.LastSeenAt, cancellationToken);
        // Announced after the change is stored, so a client that hears it and asks REST gets the
        // same answer, and while the user is still locked, so the rooms hear a user's changes in
        // the order they were made.
        // On the lock's own connection: a decision that asked the pool for a second connection
        // while holding one would wait forever once a burst of disconnects held them all.
        var rooms = roomIds ?? await stored.RoomIdsAsync(cancellationToken);
        try
        {
            await broadcaster.PresenceChangedAsync(rooms, change);
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            // The stored status is the truth that REST and room snapshots show; clients that
            // missed the announcement find it there.
            logger.LogWarning(e, "Could not announce presence {Status} of {UserId}", change.Status, change.UserId);
        }
    }
}
