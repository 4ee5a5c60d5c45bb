using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Activity;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Notifications;
using Chat.Hubs.Typing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Rooms;

/// <summary>Joining and leaving rooms, with the same effect through the hub and through REST.</summary>
public sealed class MembershipService(
    RoomRepository rooms,
    MembershipRepository members,
    UserRepository users,
    MessageRepository messages,
    TypingService typing,
    RoomBroadcaster broadcaster,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    ILogger<MembershipService> logger,
    Receipts.ReceiptService receipts,
    ActivityLog activity,
    RoomNotificationService notifications)
{
    /// <summary>
    /// Makes the user a member of a public room (a member already is let through). On a first join
    /// the join is stored as a message, the user's connections enter the room's group and the room
    /// hears <c>UserJoined</c>.
    /// </summary>
    public async Task<MemberDto> JoinAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var room = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (await members.FindAsync(roomId, caller.UserId, cancellationToken) is { } existing)
        {
            return existing.ToDto();
        }

        if (await members.IsBannedAsync(roomId, caller.UserId, cancellationToken))
        {
            throw ChatException.Banned();
        }

        if (room.IsPrivate)
        {
            throw ChatException.Forbidden("this room is private: join it by invitation");
        }

        return await AdmitAsync(room, caller, beforeJoin: null, cancellationToken);
    }

    /// <summary>
    /// Makes the user a member of <paramref name="room"/> once the caller has decided they may
    /// enter (a public room's join, an invitation): checks the member cap, runs
    /// <paramref name="beforeJoin"/> (an invitation counts its use there), stores the join message,
    /// puts the user's connections in the room's group and tells the room <c>UserJoined</c>.
    /// </summary>
    public async Task<MemberDto> AdmitAsync(
        Room room, Caller caller, Func<CancellationToken, Task>? beforeJoin, CancellationToken cancellationToken = default)
    {
        var (roomId, userId) = (room.Id, caller.UserId);
        if (room.Settings.MaxMembers is { } cap && room.MemberCount >= cap)
        {
            throw RoomFull(cap);
        }

        var user = await users.FindAsync(userId, cancellationToken) ?? throw new ChatException(ErrorCodes.Unauthorized, "unknown user");
        if (beforeJoin is not null)
        {
            await beforeJoin(cancellationToken);
        }

        var role = caller.Role == GlobalRole.Guest ? RoomRole.Guest : RoomRole.Member;
        var joinMessage = ServerMessage(roomId, userId, MessageType.Join, $"{user.DisplayName} joined");
        // The count above is a quick refusal; the join itself counts again under the room's lock,
        // so joins racing for the last places cannot overfill the room.
        var (stored, fullAt) = await members.JoinAsync(roomId, userId, role, joinMessage, cancellationToken);
        if (fullAt is { } currentCap)
        {
            throw RoomFull(currentCap);
        }

        if (stored is not null)
        {
            await broadcaster.MemberJoinedAsync(roomId, user.ToDto(), stored.ToDto());
            logger.LogInformation("User {UserId} joined {RoomId}", userId, roomId);
            activity.Record(userId, ActivityActions.Join, roomId);
        }

        // No membership after the insert: a ban was stored between the check above and the insert.
        var member = await members.FindAsync(roomId, userId, cancellationToken);
        return member?.ToDto() ?? throw ChatException.Banned();
    }

    /// <summary>
    /// Ends the membership: stored as a leave message, the user's connections leave the group and
    /// hear <c>RemovedFromRoom</c>, the room hears <c>UserLeft</c>.
    /// </summary>
    public async Task LeaveAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var userId = caller.UserId;
        var user = await users.FindAsync(userId, cancellationToken) ?? throw new ChatException(ErrorCodes.Unauthorized, "unknown user");
        _ = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        var leaveMessage = ServerMessage(roomId, userId, MessageType.Leave, $"{user.DisplayName} left");
        var stored = await members.LeaveAsync(roomId, userId, leaveMessage, cancellationToken: cancellationToken)
            ?? throw ChatException.NotFound("membership");

        await broadcaster.MemberRemovedAsync(roomId, userId, RemovalReason.Left, actorId: null, stored.ToDto());
        logger.LogInformation("User {UserId} left {RoomId}", userId, roomId);
        activity.Record(userId, ActivityActions.Leave, roomId);
    }

    /// <summary>Joins where allowed and returns everything needed to show the room at once.</summary>
    public async Task<RoomSnapshot> JoinWithSnapshotAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var userId = caller.UserId;
        await JoinAsync(caller, roomId, cancellationToken);
        var room = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        // The first page of members, as GET .../members gives it; the room's memberCount says how many in all.
        var memberList = await members.ListAsync(roomId, afterUserId: null, MemberPages.DefaultSize, cancellationToken);
        var member = memberList.FirstOrDefault(m => m.UserId == userId)
            ?? await members.FindAsync(roomId, userId, cancellationToken)
            ?? throw ChatException.Forbidden("you are not a member of this room");
        var recent = await messages.ListAsync(
            roomId, userId, beforeSeq: null, afterSeq: null, options.Value.SnapshotMessages, mainList: true, cancellationToken);
        var myReceipt = receipts.Of(member);
        var mentions = await messages.UnreadMentionCountAsync(roomId, userId, myReceipt.ReadSeq, cancellationToken);
        return new RoomSnapshot(
            await notifications.ForUserAsync(room.ToDto(unreadMentionCount: mentions), userId, cancellationToken),
            [.. memberList.Select(m => m.ToDto())],
            TypingUserIds: await typing.TypistsAsync(roomId),
            [.. recent.Select(m => m.ToDto())],
            room.LastSeq,
            myReceipt);
    }

    private static ChatException RoomFull(int cap) => new(ErrorCodes.Limit, $"this room is full ({cap} members)");

    private NewMessage ServerMessage(Guid roomId, Guid userId, MessageType type, string content) =>
        new(Guid.CreateVersion7(), roomId, userId, ClientMessageId: null, type, content, null, null, null, null, clock.UtcNowAsStored());
}
