using Chat.Contracts;
using Chat.Data;
using Chat.Data.Writing;
using Chat.Hubs.Activity;
using Chat.Hubs.Attachments;
using Chat.Hubs.Blocks;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Rooms;
using Chat.Hubs.Typing;
using FluentValidation;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Messages;

/// <summary>Sending, reading and catching up on messages.</summary>
public sealed class MessageService(
    MessageRepository messages,
    IMessageWriter writer,
    MembershipRepository members,
    RoomAccess access,
    AttachmentService attachments,
    IValidator<SendMessageRequest> validator,
    IHubContext<ChatHub, IChatClient> hub,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    TypingService typing,
    SendRateLimiter rateLimiter,
    BlockService blocks,
    UserConnections connections,
    ClusterConnections cluster,
    ActivityLog activity,
    RoomAudience audience,
    ChatMetrics metrics)
{
    private const int MaxSyncRooms = 100;

    /// <summary>
    /// Checks, stores and delivers a message. The ack is returned only after the row is committed;
    /// a repeated clientMessageId returns the first ack with <c>duplicate</c> and delivers nothing.
    /// <paramref name="queued"/> is called once the message has its place in the order of storing.
    /// </summary>
    public async Task<MessageAck> SendAsync(
        Caller sender, SendMessageRequest request, Action? queued = null, CancellationToken cancellationToken = default)
    {
        var arrived = clock.GetTimestamp();
        validator.EnsureValid(request);
        var roomId = WireIds.Parse(request.RoomId, "roomId");
        var type = MessageTypes.Sendable[request.Type!];
        var toUserId = WireIds.ParseOptional(request.ToUserId, "toUserId");
        var attachmentId = WireIds.ParseOptional(request.AttachmentId, "attachmentId");
        // Before any database work: the bucket protects the database too.
        rateLimiter.TakeToken(sender.UserId);

        var admission = new SenderAdmission(sender, type, clock, rateLimiter);
        if (toUserId is not null || attachmentId is not null)
        {
            // Standing first, so that an outsider learns nothing about the room's members or files
            // from the errors below; the storing transaction asks again.
            var standing = await members.StandingAsync(roomId, sender.UserId, cancellationToken) ?? throw ChatException.NotFound("room");
            admission.Check(standing);
        }

        if (toUserId is { } recipient && recipient != sender.UserId)
        {
            if (await members.FindAsync(roomId, recipient, cancellationToken) is null)
            {
                throw ChatException.NotFound("recipient");
            }

            await blocks.EnsureMayWriteToAsync(sender.UserId, recipient, cancellationToken);
        }

        if (attachmentId is { } attachment)
        {
            await attachments.EnsureAttachableAsync(sender.UserId, roomId, attachment, type, cancellationToken);
        }

        var message = new NewMessage(
            Guid.CreateVersion7(),
            roomId,
            sender.UserId,
            Guid.Parse(request.ClientMessageId!),
            type,
            request.Content?.Trim() ?? "",
            toUserId,
            WireIds.ParseOptional(request.ReplyToId, "replyToId"),
            attachmentId,
            request.Metadata,
            clock.UtcNow());
        // Awaited here, not in a helper of its own: an async helper is one more state machine
        // allocated on every send.
        AppendResult? result;
        try
        {
            result = await writer.AppendAsync(message, admission, queued, cancellationToken);
        }
        catch (MessageWriterStoppedException)
        {
            throw new ChatException(ErrorCodes.Unavailable, "the server is shutting down, send again to reconnect elsewhere");
        }

        if (result is null)
        {
            throw ChatException.NotFound("room");
        }

        if (!result.Duplicate)
        {
            metrics.MessageReceived();
            // Before the delivery: members see the typist leave the list as the message arrives.
            await typing.MessageSentAsync(sender.UserId, roomId);
            await DeliverAsync(result.Message.ToDto(), sender.ConnectionId);
            activity.Record(sender.UserId, ActivityActions.Send, roomId);
        }
        else
        {
            // A resend after a lost ack stores nothing, so it costs the user nothing either.
            rateLimiter.RefundToken(sender.UserId);
        }

        metrics.AckSent(clock.GetElapsedTime(arrived));
        return result.ToAck();
    }

    /// <summary>A page of history, oldest first, of what the caller may see.</summary>
    /// <remarks>An array, not a list interface: MessagePack serializes a hub result by its runtime type.</remarks>
    public async Task<MessageDto[]> HistoryAsync(
        Caller caller, Guid roomId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1 || limit > options.Value.MaxPageSize)
        {
            throw ChatException.Invalid($"limit must be between 1 and {options.Value.MaxPageSize}");
        }

        if (beforeSeq < 1 || afterSeq < 0)
        {
            throw ChatException.Invalid("beforeSeq must be positive and afterSeq not negative");
        }

        await access.ReadableAsync(caller.UserId, roomId, cancellationToken);
        var page = await messages.ListAsync(roomId, caller.UserId, beforeSeq, afterSeq, limit, cancellationToken);
        return page.Select(m => m.ToDto()).ToArray();
    }

    /// <summary>What the caller missed in each room after the seq it last saw, in seq order.</summary>
    public async Task<SyncResult> SyncAsync(Caller caller, SyncRequest request, CancellationToken cancellationToken = default)
    {
        var rooms = request.Rooms ?? throw ChatException.Invalid("rooms is required");
        if (rooms.Count > MaxSyncRooms)
        {
            throw ChatException.Invalid($"at most {MaxSyncRooms} rooms per sync");
        }

        var pageSize = options.Value.MaxPageSize;
        var results = new List<SyncRoomResult>(rooms.Count);
        foreach (var room in rooms)
        {
            var roomId = WireIds.Parse(room?.RoomId, "roomId");
            if (room!.AfterSeq < 0)
            {
                throw ChatException.Invalid("afterSeq must not be negative");
            }

            await access.ReadableAsync(caller.UserId, roomId, cancellationToken);
            // One extra row tells whether more remain without counting them.
            var page = await messages.ListAsync(roomId, caller.UserId, beforeSeq: null, room.AfterSeq, pageSize + 1, cancellationToken);
            var hasMore = page.Count > pageSize;
            results.Add(new SyncRoomResult(roomId, [.. page.Take(pageSize).Select(m => m.ToDto())], hasMore));
        }

        return new SyncResult(results);
    }

    private async Task DeliverAsync(MessageDto message, string? sendingConnectionId)
    {
        IReadOnlyList<string> except = sendingConnectionId is null ? [] : [sendingConnectionId];
        if (message.ToUserId is { } recipient)
        {
            // A private message reaches the sender's other connections and the recipient only.
            await hub.Clients.GroupExcept(RoomGroup.OfUser(message.SenderId), except).MessageReceived(message);
            if (recipient != message.SenderId)
            {
                await hub.Clients.Group(RoomGroup.OfUser(recipient)).MessageReceived(message);
                metrics.MessagesDelivered(1);
            }

            return;
        }

        await hub.Clients.GroupExcept(RoomGroup.Name(message.RoomId), await WithBlockersAsync(except, message.SenderId)).MessageReceived(message);
        // The sender is among the online members and is not counted as a recipient.
        metrics.MessagesDelivered(await audience.OnlineAsync(message.RoomId) - 1);
    }

    /// <summary>
    /// Adds the connections of everyone who blocked the sender to those a room message skips.
    /// One group send with exclusions, rather than a send per member, keeps delivery one backplane
    /// publish however many members the room has.
    /// </summary>
    private async ValueTask<IReadOnlyList<string>> WithBlockersAsync(IReadOnlyList<string> except, Guid senderId)
    {
        var blockers = await blocks.BlockersOfAsync(senderId);
        if (blockers.Length == 0)
        {
            return except;
        }

        var excluded = new HashSet<string>(except);
        foreach (var blocker in blockers)
        {
            excluded.UnionWith(connections.Of(blocker));
            excluded.UnionWith(await cluster.OfAsync(blocker));
        }

        return [.. excluded];
    }
}
