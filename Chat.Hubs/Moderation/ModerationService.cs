using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Activity;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;
using FluentValidation;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Moderation;

/// <summary>
/// Roles, mutes, kicks and bans. Each takes effect at once: a removed user's connections on every
/// node have left the room's group before the call returns, so the next broadcast misses them.
/// </summary>
/// <remarks>
/// Room admins and global admins may act on anyone; moderators only on members and guests, never
/// on admins or other moderators. Nobody mutes, kicks or bans themselves (<c>invalid</c>).
/// </remarks>
public sealed class ModerationService(
    MembershipRepository members,
    ModerationRepository moderation,
    UserRepository users,
    RoomAccess access,
    RoomBroadcaster broadcaster,
    IValidator<ChangeRoleRequest> roleValidator,
    IValidator<MuteRequest> muteValidator,
    IValidator<KickRequest> kickValidator,
    IValidator<BanRequest> banValidator,
    TimeProvider clock,
    ActivityLog activity,
    ILogger<ModerationService> logger)
{
    /// <summary>Gives a member another room role (room or global admins); the room hears <c>MemberUpdated</c>.</summary>
    public async Task<MemberDto> ChangeRoleAsync(
        Caller actor, Guid roomId, Guid userId, ChangeRoleRequest request, CancellationToken cancellationToken = default)
    {
        roleValidator.EnsureValid(request);
        await access.RequireAdminAsync(actor, roomId, cancellationToken);
        var role = Enum.Parse<RoomRole>(request.Role!, ignoreCase: true);
        var outcome = await moderation.ChangeRoleAsync(roomId, userId, role, cancellationToken);
        switch (outcome)
        {
            case RoleChange.NotMember:
                throw ChatException.NotFound("member");
            case RoleChange.LastAdmin:
                throw new ChatException(ErrorCodes.Conflict, "the room's last admin cannot be demoted: make another admin first");
        }

        activity.Record(actor.UserId, ActivityActions.RoleChange, roomId);
        return await AnnounceAsync(roomId, userId, cancellationToken);
    }

    /// <summary>Mutes a member for a while (moderators and up); the room hears <c>MemberUpdated</c>.</summary>
    public async Task<MemberDto> MuteAsync(
        Caller actor, Guid roomId, Guid userId, MuteRequest request, CancellationToken cancellationToken = default)
    {
        muteValidator.EnsureValid(request);
        await AuthorizeOnMemberAsync(actor, roomId, userId, cancellationToken);
        var until = clock.UtcNowAsStored().AddSeconds(request.DurationSeconds);
        if (!await moderation.SetMutedUntilAsync(roomId, userId, until, actor.UserId, cancellationToken))
        {
            throw ChatException.NotFound("member");
        }

        activity.Record(actor.UserId, ActivityActions.Mute, roomId);
        return await AnnounceAsync(roomId, userId, cancellationToken);
    }

    /// <summary>Lifts a mute (moderators and up); the room hears <c>MemberUpdated</c>.</summary>
    public async Task<MemberDto> UnmuteAsync(Caller actor, Guid roomId, Guid userId, CancellationToken cancellationToken = default)
    {
        await AuthorizeOnMemberAsync(actor, roomId, userId, cancellationToken);
        if (!await moderation.SetMutedUntilAsync(roomId, userId, mutedUntil: null, actor.UserId, cancellationToken))
        {
            throw ChatException.NotFound("member");
        }

        activity.Record(actor.UserId, ActivityActions.Unmute, roomId);
        return await AnnounceAsync(roomId, userId, cancellationToken);
    }

    /// <summary>Ends a member's membership (moderators and up); they may join a public room again.</summary>
    public async Task KickAsync(
        Caller actor, Guid roomId, Guid userId, KickRequest request, CancellationToken cancellationToken = default)
    {
        kickValidator.EnsureValid(request);
        var target = await AuthorizeOnMemberAsync(actor, roomId, userId, cancellationToken);
        var leave = ServerMessage(roomId, userId, $"{target.DisplayName} was removed");
        var reason = ReasonOf(request.Reason);
        var stored = await members.LeaveAsync(roomId, userId, leave, kickedBy: actor.UserId, reason, cancellationToken)
            ?? throw ChatException.NotFound("member");
        await broadcaster.MemberRemovedAsync(roomId, userId, RemovalReason.Kicked, actor.UserId, stored.ToDto());
        activity.Record(actor.UserId, ActivityActions.Kick, roomId);
        logger.LogInformation("User {UserId} was kicked from {RoomId} by {ActorId}", userId, roomId, actor.UserId);
    }

    /// <summary>
    /// Bans a user (moderators and up): a member is removed as by a kick, and nobody banned joins
    /// again by any door until unbanned. A user who is not a member may be banned ahead of time.
    /// </summary>
    public async Task BanAsync(Caller actor, Guid roomId, BanRequest request, CancellationToken cancellationToken = default)
    {
        banValidator.EnsureValid(request);
        var userId = request.UserId;
        var target = await AuthorizeAsync(actor, roomId, userId, cancellationToken);
        var name = target?.DisplayName
            ?? (await users.FindAsync(userId, cancellationToken))?.DisplayName
            ?? throw ChatException.NotFound("user");
        var leave = ServerMessage(roomId, userId, $"{name} was banned");
        var reason = ReasonOf(request.Reason);
        var stored = await moderation.BanAsync(roomId, userId, actor.UserId, reason, leave, cancellationToken);
        if (stored is not null)
        {
            await broadcaster.MemberRemovedAsync(roomId, userId, RemovalReason.Banned, actor.UserId, stored.ToDto());
        }

        activity.Record(actor.UserId, ActivityActions.Ban, roomId);

        logger.LogInformation("User {UserId} was banned from {RoomId} by {ActorId}", userId, roomId, actor.UserId);
    }

    /// <summary>Lifts a ban (moderators and up); lifting one that is not there changes nothing.</summary>
    public async Task UnbanAsync(Caller actor, Guid roomId, Guid userId, CancellationToken cancellationToken = default)
    {
        await access.RequireModeratorAsync(actor, roomId, cancellationToken);
        await moderation.UnbanAsync(roomId, userId, actor.UserId, cancellationToken);
        activity.Record(actor.UserId, ActivityActions.Unban, roomId);
    }

    /// <summary>Like <see cref="AuthorizeAsync"/>, for actions that need the target to be a member.</summary>
    private async Task<RoomMember> AuthorizeOnMemberAsync(Caller actor, Guid roomId, Guid userId, CancellationToken cancellationToken) =>
        await AuthorizeAsync(actor, roomId, userId, cancellationToken) ?? throw ChatException.NotFound("member");

    /// <summary>
    /// Refuses unless the actor may moderate the room and may act on <paramref name="userId"/>;
    /// returns the target's membership, null when they are not a member.
    /// </summary>
    private async Task<RoomMember?> AuthorizeAsync(Caller actor, Guid roomId, Guid userId, CancellationToken cancellationToken)
    {
        var actorMember = await access.RequireModeratorAsync(actor, roomId, cancellationToken);
        if (userId == actor.UserId)
        {
            throw ChatException.Invalid("you cannot moderate yourself");
        }

        var target = await members.FindAsync(roomId, userId, cancellationToken);
        if (!actor.IsGlobalAdmin && actorMember?.Role != RoomRole.Admin && target?.Role is RoomRole.Admin or RoomRole.Moderator)
        {
            throw ChatException.Forbidden("moderators cannot act on admins or other moderators");
        }

        return target;
    }

    private async Task<MemberDto> AnnounceAsync(Guid roomId, Guid userId, CancellationToken cancellationToken)
    {
        var member = await members.FindAsync(roomId, userId, cancellationToken) ?? throw ChatException.NotFound("member");
        var dto = member.ToDto();
        await broadcaster.MemberUpdatedAsync(dto);
        return dto;
    }

    private NewMessage ServerMessage(Guid roomId, Guid userId, string content) =>
        new(Guid.CreateVersion7(), roomId, userId, ClientMessageId: null, MessageType.Leave, content, null, null, null, null, clock.UtcNowAsStored());

    // A kick's or ban's reason as it is kept and shown: trimmed, and none when blank.
    private static string? ReasonOf(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
}
