using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Notifications;

/// <summary>Which rooms' notifications each user muted: the room list shows it, and muted rooms push nothing.</summary>
public sealed class RoomNotificationService(RoomNotificationRepository mutes, RoomAccess access, TimeProvider clock)
{
    /// <summary>Mutes or unmutes the room's notifications for the caller, a member.</summary>
    public async Task SetMutedAsync(Caller caller, Guid roomId, RoomNotificationsRequest request, CancellationToken cancellationToken = default)
    {
        await access.RequireMemberAsync(caller.UserId, roomId, cancellationToken);
        await mutes.SetMutedAsync(caller.UserId, roomId, request.Muted, clock.UtcNowAsStored(), cancellationToken);
    }

    /// <summary>The rooms whose notifications the user muted.</summary>
    public Task<HashSet<Guid>> MutedRoomsAsync(Guid userId, CancellationToken cancellationToken = default) =>
        mutes.MutedRoomsAsync(userId, cancellationToken);

    /// <summary><paramref name="room"/> as the user sees it: with whether they muted its notifications.</summary>
    public async Task<RoomDto> ForUserAsync(RoomDto room, Guid userId, CancellationToken cancellationToken = default) =>
        room with { NotificationsMuted = await mutes.IsMutedAsync(userId, room.Id, cancellationToken) };
}
