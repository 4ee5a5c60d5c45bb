using Chat.Data;
using Chat.Hubs.Broadcasting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Connections;

/// <summary>
/// Makes the room groups of this node's connections match the memberships in the database, every
/// <see cref="ClusterOptions.GroupReconcileSeconds"/> and as soon as Redis answers again after an
/// outage (<see cref="BackplaneMonitor"/> asks). A group change can be lost: a kick issued on
/// another node while Redis was away, whose node then died before it could send the removal
/// again, leaves the kicked user's connection here hearing the room. Reconciliation takes it out
/// (and puts back a member whose join never reached this node).
/// </summary>
public sealed partial class GroupReconciler(
    OutageTolerantLifetimeManager<ChatHub> backplane,
    RoomBroadcaster broadcaster,
    MembershipRepository memberships,
    IOptions<ClusterOptions> options,
    ChatMetrics metrics,
    ILogger<GroupReconciler> logger) : BackgroundService
{
    private readonly SemaphoreSlim asked = new(0, 1);

    /// <summary>Reconciles at once rather than at the next period.</summary>
    public void ReconcileSoon()
    {
        if (asked.CurrentCount == 0)
        {
            try
            {
                asked.Release();
            }
            catch (SemaphoreFullException)
            {
                // Asked twice at the same moment: once is enough.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await asked.WaitAsync(options.Value.GroupReconcileEvery, stoppingToken);
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                // Whatever failed, the next pass tries again: an exception leaving a background
                // service would stop the whole node.
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    /// <summary>One pass over this node's connections; returns how many group changes it made.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        // The groups are read before the memberships. A join or leave committed in between shows
        // in the memberships and has changed (or is about to change) the groups itself, so what
        // is taken away here is only what the database no longer had before the read.
        var connections = new List<(HubConnectionContext Connection, Guid UserId, IReadOnlyCollection<string> Groups)>();
        foreach (var connection in backplane.LocalConnections)
        {
            if (!Guid.TryParse(connection.UserIdentifier, out var userId) || connection.ConnectionAborted.IsCancellationRequested)
            {
                continue;
            }

            if (BackplaneGroups.Of(connection) is not { } groups)
            {
                LogGroupsUnknown(logger);
                return 0;
            }

            connections.Add((connection, userId, groups));
        }

        if (connections.Count == 0)
        {
            return 0;
        }

        var rooms = await memberships.RoomIdsOfAsync([.. connections.Select(c => c.UserId).Distinct()], cancellationToken);
        var changes = 0;
        var added = new List<(string ConnectionId, Guid UserId, Guid RoomId)>();
        foreach (var (connection, userId, groups) in connections)
        {
            var belongs = rooms.GetValueOrDefault(userId) ?? [];
            // A member may also watch the room's presence; a former member may do neither.
            var belongsIn = belongs.SelectMany(r => new[] { RoomGroup.Name(r), RoomGroup.PresenceOf(r) }).ToHashSet();
            foreach (var group in groups.Where(g => RoomGroup.IsRoom(g) && !belongsIn.Contains(g)))
            {
                if (await broadcaster.TryChangeGroupAsync(connection.ConnectionId, group, add: false))
                {
                    changes++;
                    metrics.GroupMended("removed");
                    LogRemoved(logger, connection.ConnectionId, userId, group);
                }
            }

            foreach (var roomId in belongs.Where(r => !groups.Contains(RoomGroup.Name(r))))
            {
                if (await broadcaster.TryChangeGroupAsync(connection.ConnectionId, RoomGroup.Name(roomId), add: true))
                {
                    changes++;
                    added.Add((connection.ConnectionId, userId, roomId));
                    metrics.GroupMended("added");
                    LogAdded(logger, connection.ConnectionId, userId, roomId);
                }
            }
        }

        return changes + await UndoAddsOfLeftRoomsAsync(added, cancellationToken);
    }

    /// <summary>
    /// A leave committed after the memberships were read found the connection outside the group
    /// and had nothing to remove; the add made here would then outlive it. Read again after the
    /// adds: a membership gone by now is taken out again (a leave committed after this read
    /// removes the connection itself).
    /// </summary>
    private async Task<int> UndoAddsOfLeftRoomsAsync(List<(string ConnectionId, Guid UserId, Guid RoomId)> added, CancellationToken cancellationToken)
    {
        if (added.Count == 0)
        {
            return 0;
        }

        var rooms = await memberships.RoomIdsOfAsync([.. added.Select(a => a.UserId).Distinct()], cancellationToken);
        var undone = 0;
        foreach (var (connectionId, userId, roomId) in added)
        {
            if (rooms.GetValueOrDefault(userId)?.Contains(roomId) != true && await broadcaster.TryChangeGroupAsync(connectionId, RoomGroup.Name(roomId), add: false))
            {
                undone++;
            }
        }

        return undone;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} of user {UserId} was in group {Group} without being a member: taken out")]
    private static partial void LogRemoved(ILogger logger, string connectionId, Guid userId, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} of user {UserId} was missing from the group of room {RoomId}, of which the user is a member: put in")]
    private static partial void LogAdded(ILogger logger, string connectionId, Guid userId, Guid roomId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling room groups with the database failed; tried again at the next period")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The backplane's groups of a connection cannot be read (has the SignalR Redis package changed?): room groups are not reconciled")]
    private static partial void LogGroupsUnknown(ILogger logger);
}
