using Chat.Contracts;
using Chat.Hubs.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Typing;

/// <summary>Tells a room its new typing list, leaving out the connections of the typist it is about.</summary>
public sealed class TypingBroadcaster(
    UserConnections local,
    ClusterConnections cluster,
    IHubContext<ChatHub, IChatClient> hub)
{
    public async Task AnnounceAsync(TypingChange change)
    {
        // The typist's connections on every node, found as RoomGroupSync finds them; one group
        // send then serializes the event once for the whole room, on every node.
        var typistConnections = local.Of(change.UserId).Union(await cluster.OfAsync(change.UserId)).ToArray();
        await hub.Clients.GroupExcept(RoomGroup.Name(change.RoomId), typistConnections)
            .TypingChanged(new TypingChangedEvent(change.RoomId, change.Typists));
    }
}
