using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Rooms;

/// <summary>Who may see and who may act in a room: one place for the rule, both doors call it.</summary>
public sealed class RoomAccess(MembershipRepository members)
{
    /// <summary>
    /// The caller's standing in a room they may read: members always, others only public rooms.
    /// A private room is <c>not_found</c> to outsiders, so its existence does not leak.
    /// </summary>
    public async Task<RoomStanding> ReadableAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var standing = await members.StandingAsync(roomId, userId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (standing.Member is null && standing.IsPrivate)
        {
            throw ChatException.NotFound("room");
        }

        if (standing.Banned)
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        return standing;
    }

    /// <summary>The caller's standing and membership; refuses non-members and banned users.</summary>
    public async Task<(RoomStanding Standing, RoomMember Member)> MemberAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        var standing = await members.StandingAsync(roomId, userId, cancellationToken) ?? throw ChatException.NotFound("room");
        return (standing, MemberOf(standing));
    }

    /// <summary>The membership in a standing already read; refuses non-members and banned users.</summary>
    public static RoomMember MemberOf(RoomStanding standing)
    {
        if (standing.Banned)
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        return standing.Member ?? throw ChatException.Forbidden("you are not a member of this room");
    }

    /// <summary>Refuses unless the caller is a room admin or a global admin.</summary>
    public async Task AdminAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var standing = await members.StandingAsync(roomId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (caller.IsGlobalAdmin)
        {
            return;
        }

        if (standing.Banned)
        {
            throw new ChatException(ErrorCodes.Banned, "you are banned from this room");
        }

        if (standing.Member?.Role != RoomRole.Admin)
        {
            throw ChatException.Forbidden("only a room admin may do this");
        }
    }
}
