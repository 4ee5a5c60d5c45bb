using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Rooms;

/// <summary>Who may see and who may act in a room: one place for the rule, both doors call it.</summary>
public sealed class RoomAccess(MembershipRepository members)
{
    /// <summary>
    /// The caller's state in a room they may read: members always, others only public rooms.
    /// A private room is <c>not_found</c> to outsiders, so its existence does not leak.
    /// </summary>
    public async Task<UserRoomState> RequireReadableAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var state = await members.RoomStateAsync(roomId, userId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (state.Member is null && state.IsPrivate)
        {
            throw ChatException.NotFound("room");
        }

        if (state.Banned)
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        return state;
    }

    /// <summary>The caller's state in the room and membership; refuses non-members and banned users.</summary>
    public async Task<(UserRoomState State, RoomMember Member)> RequireMemberAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var state = await members.RoomStateAsync(roomId, userId, cancellationToken) ?? throw ChatException.NotFound("room");
        return (state, RequireMember(state));
    }

    /// <summary>The membership in a state already read; refuses non-members and banned users.</summary>
    public static RoomMember RequireMember(UserRoomState state)
    {
        if (state.Banned)
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        return state.Member ?? throw ChatException.Forbidden("you are not a member of this room");
    }

    /// <summary>Refuses unless the caller is a room admin or a global admin.</summary>
    public async Task RequireAdminAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var state = await members.RoomStateAsync(roomId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (caller.IsGlobalAdmin)
        {
            return;
        }

        if (state.Banned)
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        if (state.Member?.Role != RoomRole.Admin)
        {
            throw ChatException.Forbidden("only a room admin may do this");
        }
    }
}
