using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Presence;

/// <summary>
/// Online when a user's first connection opens, offline with a last-seen time when the last one
/// closes; the user's rooms hear <c>PresenceChanged</c>.
/// </summary>
public sealed class PresenceService(
    UserConnections connections,
    ClusterConnections cluster,
    UserRepository users,
    MembershipRepository members,
    IHubContext<ChatHub, IChatClient> hub,
    TimeProvider clock)
{
    /// <summary>Records a connection here and cluster-wide; true when it is the user's first on this node.</summary>
    public async Task<bool> RegisterAsync(Guid userId, string connectionId)
    {
        var first = connections.Add(userId, connectionId);
        await cluster.AddAsync(userId, connectionId);
        return first;
    }

    /// <summary>Marks the user online and tells the rooms.</summary>
    public async Task AnnounceOnlineAsync(Guid userId, IReadOnlyList<Guid> roomIds)
    {
        await users.SetPresenceAsync(userId, PresenceStatus.Online, lastSeenAt: null);
        await AnnounceAsync(roomIds, new PresenceChangedEvent(userId, PresenceStatus.Online, null));
    }

    public async Task DisconnectedAsync(Guid userId, string connectionId)
    {
        await cluster.RemoveAsync(userId, connectionId);
        if (!connections.Remove(userId, connectionId))
        {
            return;
        }

        var lastSeen = clock.UtcNow();
        await users.SetPresenceAsync(userId, PresenceStatus.Offline, lastSeen);
        var roomIds = await members.RoomIdsOfAsync(userId);
        await AnnounceAsync(roomIds, new PresenceChangedEvent(userId, PresenceStatus.Offline, lastSeen));
    }

    private Task AnnounceAsync(IReadOnlyList<Guid> roomIds, PresenceChangedEvent change) =>
        roomIds.Count == 0 ? Task.CompletedTask : hub.Clients.Groups([.. roomIds.Select(RoomGroup.Name)]).PresenceChanged(change);
}
