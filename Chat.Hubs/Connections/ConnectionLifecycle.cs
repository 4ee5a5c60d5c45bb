using System.Net;
using Chat.Data;
using Chat.Hubs.Activity;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Limits;
using Chat.Hubs.Presence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Connections;

/// <summary>
/// What happens as a hub connection opens and closes: the registry, the per-user cap, the room
/// groups, presence and the activity log.
/// </summary>
public sealed class ConnectionLifecycle(
    ConnectionDirectory connections,
    RoomBroadcaster broadcaster,
    PresenceService presence,
    UnsettledPresence unsettled,
    ConnectionLimiter limiter,
    MembershipRepository memberships,
    RoomSizes sizes,
    ActivityLog activity,
    ILogger<ConnectionLifecycle> logger)
{
    /// <summary>
    /// Registers the caller's new connection and puts it in its rooms; refuses one over the
    /// user's connection cap (the error closes the connection).
    /// </summary>
    public async Task OpenedAsync(
        Caller caller, IPAddress? remoteIp, HttpTransportType? transport, CancellationToken cancellationToken)
    {
        var (userId, connectionId) = (caller.UserId, caller.ConnectionId!);
        await broadcaster.ConnectionOpenedAsync(connectionId, userId);

        // Registered before the rooms are read: a join committed meanwhile either shows up in the
        // read or finds this connection in the registry, so no room is missed.
        try
        {
            await connections.AddAsync(userId, connectionId);
            await limiter.EnsureWithinLimitAsync(userId);
            var roomIds = await memberships.RoomIdsOfAsync(userId, cancellationToken);
            await broadcaster.ConnectionEnteredRoomsAsync(connectionId, roomIds);
            // Whether each room is large decides who hears this user come online; it is known
            // before the user's presence row is locked to decide it.
            await sizes.KnowAsync(roomIds, cancellationToken);
            await presence.SettleAsync(userId, roomIds, cancellationToken);
            activity.Record(userId, ActivityActions.Connect);
            // The client's address as the proxy in front saw it (see ForwardedHeaders): what an
            // operator needs to trace a connection to a person or to abuse.
            logger.LogInformation(
                "Connection {ConnectionId} of user {UserId} opened from {RemoteIp} over {Transport}",
                connectionId, userId, remoteIp, transport);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection that failed to connect.
            await ForgetAsync(userId, connectionId);
            throw;
        }
    }

    /// <summary>Forgets a closed connection and settles the user's presence.</summary>
    public Task ClosedAsync(Caller caller)
    {
        activity.Record(caller.UserId, ActivityActions.Disconnect);
        return ForgetAsync(caller.UserId, caller.ConnectionId!);
    }

    private async Task ForgetAsync(Guid userId, string connectionId)
    {
        await connections.RemoveAsync(userId, connectionId);
        // With the database away the user is settled later: left alone, their last connection
        // closing now would leave them online for good.
        await unsettled.SettleAsync(userId);
    }
}
