using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Messages;

/// <summary>Who hears about a stored message changing: the room, or for a private message only its two users.</summary>
internal static class MessageAudience
{
    public static IChatClient Of(IHubClients<IChatClient> clients, Guid roomId, Guid senderId, Guid? toUserId) => toUserId switch
    {
        null => clients.Group(RoomGroup.Name(roomId)),
        { } recipient when recipient == senderId => clients.Group(RoomGroup.OfUser(senderId)),
        // One send to both user groups: the payload is serialized once for all their connections.
        { } recipient => clients.Groups([RoomGroup.OfUser(senderId), RoomGroup.OfUser(recipient)]),
    };
}
