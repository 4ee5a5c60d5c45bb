using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Rooms;

/// <summary>Who may see and who may act in a room: one place for the rule, both doors call it.</summary>
public sealed class RoomAccess(MembershipRepository members, TimeProvider clock)
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
            throw ChatException.Banned();
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
            throw ChatException.Banned();
        }

        return state.Member ?? throw ChatException.Forbidden("you are not a member of this room");
    }

    /// <summary>
    /// The caller's membership, for acting in the room as a member who may speak: refuses
    /// non-members, banned and muted users.
    /// </summary>
    public async Task<RoomMember> RequireUnmutedMemberAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var (_, member) = await RequireMemberAsync(userId, roomId, cancellationToken);
        RequireNotMuted(member, clock.GetUtcNow().UtcDateTime);
        return member;
    }

    /// <summary>Refuses a member who is muted at <paramref name="now"/>, with <c>muted</c> and when it ends.</summary>
    public static void RequireNotMuted(RoomMember member, DateTime now)
    {
        if (member.MutedUntil is { } mutedUntil && mutedUntil > now)
        {
            throw new ChatException(ErrorCodes.Muted, $"you are muted in this room until {mutedUntil:O}");
        }
    }

    /// <summary>Whether the caller takes part as a guest: a guest account, or a guest's role in the room.</summary>
    public static bool IsGuest(Caller caller, RoomMember member) => caller.Role == GlobalRole.Guest || member.Role == RoomRole.Guest;

    /// <summary>
    /// Whether the caller moderates the room: its moderators and admins, and global admins, who
    /// need not be members. Refuses other non-members and banned users.
    /// </summary>
    public async Task<bool> ModeratesAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default) =>
        (await ModerationRightAsync(caller, roomId, cancellationToken)).Moderates;

    /// <summary>
    /// Refuses unless the caller moderates the room (see <see cref="ModeratesAsync"/>); returns the
    /// caller's membership, null for a global admin who is not a member.
    /// </summary>
    public async Task<RoomMember?> RequireModeratorAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var (moderates, member) = await ModerationRightAsync(caller, roomId, cancellationToken);
        return moderates ? member : throw ChatException.Forbidden("only moderators and admins may do this");
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
            throw ChatException.Banned();
        }

        if (state.Member?.Role != RoomRole.Admin)
        {
            throw ChatException.Forbidden("only a room admin may do this");
        }
    }

    private async Task<(bool Moderates, RoomMember? Member)> ModerationRightAsync(Caller caller, Guid roomId, CancellationToken cancellationToken)
    {
        if (caller.IsGlobalAdmin)
        {
            var state = await members.RoomStateAsync(roomId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("room");
            return (true, state.Member);
        }

        var (_, member) = await RequireMemberAsync(caller.UserId, roomId, cancellationToken);
        return (member.Moderates, member);
    }
}
