using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Messages;
using Chat.Hubs.Notifications;
using FluentValidation;

namespace Chat.Hubs.Rooms;

/// <summary>Creating, listing, reading and changing rooms.</summary>
public sealed class RoomService(
    RoomRepository rooms,
    MembershipRepository members,
    MessageRepository messages,
    RoomAccess access,
    IValidator<CreateRoomRequest> createValidator,
    IValidator<UpdateRoomRequest> updateValidator,
    MessageSearchService search,
    RoomBroadcaster broadcaster,
    TimeProvider clock,
    Receipts.ReceiptService receipts,
    RoomNotificationService notifications)
{
    /// <summary>Creates a room with the caller as its admin; the caller's connections join its group.</summary>
    public async Task<RoomDto> CreateAsync(Caller caller, CreateRoomRequest request, CancellationToken cancellationToken = default)
    {
        if (caller.Role == GlobalRole.Guest)
        {
            throw ChatException.Forbidden("guests cannot create rooms");
        }

        createValidator.EnsureValid(request);
        var settings = request.Settings ?? RoomSettings.Default;
        settings = settings with
        {
            SearchLanguage = await search.RequireLanguageAsync(settings.SearchLanguage, "settings.searchLanguage", cancellationToken),
        };
        var room = new Room
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name.Trim(),
            Topic = string.IsNullOrWhiteSpace(request.Topic) ? null : request.Topic.Trim(),
            IsPrivate = request.IsPrivate,
            Settings = settings,
            CreatedAt = clock.UtcNowAsStored(),
            MemberCount = 1,
        };
        await rooms.CreateAsync(room, caller.UserId, cancellationToken);
        await broadcaster.RoomCreatedAsync(room.Id, caller.UserId);
        return room.ToDto();
    }

    /// <summary>The caller's rooms, each with its unread count and the last message the caller may see.</summary>
    public async Task<IReadOnlyList<RoomDto>> ListMineAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        // Unread counts come from the stored read pointers: the caller's marks still in memory go first.
        await receipts.FlushUserAsync(caller.UserId, cancellationToken);
        var listings = await rooms.ListForMemberAsync(caller.UserId, cancellationToken);
        var last = await messages.LastOfRoomsAsync([.. listings.Select(l => l.Room.Id)], caller.UserId, cancellationToken);
        var muted = await notifications.MutedRoomsAsync(caller.UserId, cancellationToken);
        return [.. listings.Select(l => l.Room.ToDto(l.UnreadCount, last.GetValueOrDefault(l.Room.Id)?.ToDto(), l.UnreadMentionCount) with
        {
            NotificationsMuted = muted.Contains(l.Room.Id),
        })];
    }

    /// <summary>A room the caller may read; a member also learns their unread mentions in it.</summary>
    public async Task<RoomDto> GetAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var state = await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        var room = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        int? mentions = state.Member is { } member
            ? await messages.UnreadMentionCountAsync(roomId, caller.UserId, receipts.Of(member).ReadSeq, cancellationToken)
            : null;
        return await notifications.ForUserAsync(room.ToDto(unreadMentionCount: mentions), caller.UserId, cancellationToken);
    }

    /// <summary>Renames a room or changes its topic (admins); the room hears <c>RoomUpdated</c>.</summary>
    public async Task<RoomDto> UpdateAsync(
        Caller caller, Guid roomId, UpdateRoomRequest request, CancellationToken cancellationToken = default)
    {
        updateValidator.EnsureValid(request);
        await access.RequireAdminAsync(caller, roomId, cancellationToken);
        var updated = await rooms.UpdateAsync(roomId, request.Name?.Trim(), request.Topic?.Trim(), cancellationToken)
            ?? throw ChatException.NotFound("room");
        var dto = updated.ToDto();
        await broadcaster.RoomUpdatedAsync(dto);
        return dto;
    }

    /// <summary>A page of the members of a room the caller may read (see <see cref="MemberPages"/>).</summary>
    public async Task<IReadOnlyList<MemberDto>> MembersAsync(
        Caller caller, Guid roomId, Guid? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var size = MemberPages.Size(limit);
        await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        var list = await members.ListAsync(roomId, after, size, cancellationToken);
        return [.. list.Select(m => m.ToDto())];
    }
}
