using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Rooms;

/// <summary>A room and the caller's membership of it (null for a non-member reading a public room).</summary>
public sealed record RoomVisit(Room Room, RoomMember? Member);

/// <summary>Who may see and who may act in a room: one place for the rule, both doors call it.</summary>
public sealed class RoomAccess(RoomRepository rooms, MembershipRepository members)
{
    /// <summary>
    /// The room, if the user may read it: members always, others only public rooms. A private
    /// room is <c>not_found</c> to outsiders, so its existence does not leak.
    /// </summary>
    public async Task<RoomVisit> ReadableAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var room = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        var member = await members.FindAsync(roomId, userId, cancellationToken);
        if (member is null && room.IsPrivate)
        {
            throw ChatException.NotFound("room");
        }

        if (member is null && await members.IsBannedAsync(roomId, userId, cancellationToken))
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        return new RoomVisit(room, member);
    }

    /// <summary>The room and the caller's membership; refuses non-members and banned users.</summary>
    public async Task<(Room Room, RoomMember Member)> MemberAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var room = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (await members.IsBannedAsync(roomId, userId, cancellationToken))
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        var member = await members.FindAsync(roomId, userId, cancellationToken)
            ?? throw ChatException.Forbidden("you are not a member of this room");
        return (room, member);
    }

    /// <summary>Refuses unless the caller is a room admin or a global admin.</summary>
    public async Task<Room> AdminAsync(Guid userId, GlobalRole globalRole, Guid roomId, CancellationToken cancellationToken = default)
    {
        if (globalRole == GlobalRole.Admin)
        {
            return await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        }

        var (room, member) = await MemberAsync(userId, roomId, cancellationToken);
        return member.Role == RoomRole.Admin ? room : throw ChatException.Forbidden("only a room admin may do this");
    }
}
