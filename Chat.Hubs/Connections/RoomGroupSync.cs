using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Connections;

/// <summary>
/// Moves all of a user's open connections, on every node, into or out of a room's group when
/// membership changes through any door (hub or REST). The change is complete when this returns:
/// with Redis, SignalR's backplane applies it on the owning node and waits for that node's ack,
/// so a broadcast sent right after reaches the user's connections everywhere.
/// </summary>
public sealed class RoomGroupSync(
    UserConnections local,
    ClusterConnections cluster,
    IHubContext<ChatHub, IChatClient> hub,
    ILogger<RoomGroupSync> logger)
{
    // A connection that closed a moment ago never acks; the user's others must not wait on it long.
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(3);

    public Task AddUserAsync(Guid userId, Guid roomId) => ChangeAsync(userId, roomId, add: true);

    public Task RemoveUserAsync(Guid userId, Guid roomId) => ChangeAsync(userId, roomId, add: false);

    private async Task ChangeAsync(Guid userId, Guid roomId, bool add)
    {
        var group = RoomGroup.Name(roomId);
        var connectionIds = local.Of(userId).Union(await cluster.OfAsync(userId)).ToArray();
        await Task.WhenAll(connectionIds.Select(async connectionId =>
        {
            try
            {
                var change = add
                    ? hub.Groups.AddToGroupAsync(connectionId, group)
                    : hub.Groups.RemoveFromGroupAsync(connectionId, group);
                await change.WaitAsync(AckTimeout);
            }
            catch (Exception e) when (e is TimeoutException or IOException or OperationCanceledException)
            {
                // The connection closed meanwhile; it leaves all its groups anyway.
                logger.LogDebug(e, "Connection {ConnectionId} gone while changing group {Group}", connectionId, group);
            }
        }));
    }
}
