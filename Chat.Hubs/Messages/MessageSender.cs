using Chat.Contracts;
using Chat.Data;
using Chat.Data.Writing;
using Chat.Hubs.Activity;
using Chat.Hubs.Attachments;
using Chat.Hubs.Blocks;
using Chat.Hubs.Bots;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Mentions;
using Chat.Hubs.Notifications;
using Chat.Hubs.Threads;
using Chat.Hubs.Typing;
using FluentValidation;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Messages;

/// <summary>Sending messages, through either door: checks, stores, then tells the recipients.</summary>
public sealed class MessageSender(
    IMessageWriter writer,
    MembershipRepository members,
    AttachmentService attachments,
    IValidator<SendMessageRequest> validator,
    TimeProvider clock,
    TypingService typing,
    SendRateLimiter rateLimiter,
    BlockService blocks,
    ActivityLog activity,
    RoomBroadcaster broadcaster,
    BotTriggers bots,
    ThreadService threads,
    MentionService mentions,
    OfflineNotifier notifier,
    ChatMetrics metrics,
    ILogger<MessageSender> logger)
{
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
        var threadRootId = WireIds.ParseOptional(request.ThreadRootId, "threadRootId");
        // Before any database work: the bucket protects the database too.
        await rateLimiter.TakeTokenAsync(sender.UserId);

        var policy = new SendPolicy(sender, type, clock, rateLimiter);
        await SendPrechecks.EnsureAsync(
            members, blocks, sender, roomId, policy, toUserId, namesRoomData: attachmentId is not null || threadRootId is not null, cancellationToken);

        if (attachmentId is { } attachment)
        {
            await attachments.EnsureAttachableAsync(
                sender.UserId, roomId, attachment, type, Guid.Parse(request.ClientMessageId!), cancellationToken);
        }

        if (threadRootId is { } rootId)
        {
            await threads.EnsureRootAsync(roomId, rootId, cancellationToken);
        }

        var content = request.Content?.Trim() ?? "";
        var mentioned = await mentions.ResolveAsync(sender, roomId, toUserId, type, content, cancellationToken);

        var message = new NewMessage(
            Guid.CreateVersion7(),
            roomId,
            sender.UserId,
            Guid.Parse(request.ClientMessageId!),
            type,
            content,
            toUserId,
            WireIds.ParseOptional(request.ReplyToId, "replyToId"),
            attachmentId,
            request.Metadata,
            clock.UtcNowAsStored(),
            ThreadRootId: threadRootId,
            AlsoToRoom: threadRootId is not null && request.AlsoToRoom == true,
            Mentions: mentioned.Users,
            MentionsRoom: mentioned.Room);
        // Awaited here, not in a helper of its own: an async helper is one more state machine
        // allocated on every send.
        AppendResult? result;
        try
        {
            result = await writer.AppendAsync(message, policy, queued, cancellationToken);
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
            // Stored is stored: from here on nothing fails the send. The sender gets the ack, or
            // would resend and find a duplicate anyway; members who missed the delivery are told
            // to Sync once the backplane is back (BackplaneMonitor).
            try
            {
                // Before the delivery: members see the typist leave the list as the message arrives.
                await typing.MessageSentAsync(sender.UserId, roomId);
            }
            catch (Exception e) when (RedisFaults.IsFault(e))
            {
                logger.LogWarning(e, "Typing of {UserId} could not be cleared as their message arrived", sender.UserId);
            }

            try
            {
                await broadcaster.MessageStoredAsync(result.Message.ToDto(), sender.ConnectionId);
            }
            catch (Exception e)
            {
                // Cancellations too: a Redis command cut off by its connection being torn down
                // ends as one, and the message is stored all the same.
                logger.LogError(e, "Message {MessageId} is stored but its delivery failed", result.Message.Id);
                metrics.BroadcastFailed();
            }

            activity.Record(sender.UserId, ActivityActions.Send, roomId);
            // After the delivery, never before the ack: a bot's reply is background work.
            bots.Offer(result.Message, sender.Role);
            // Likewise a push to whoever it concerns who is away: decided and sent in the background.
            notifier.OfferSent(result.Message);
        }
        else
        {
            // A resend after a lost ack stores nothing, so it costs the user nothing either.
            await rateLimiter.RefundTokenAsync(sender.UserId);
        }

        metrics.AckSent(clock.GetElapsedTime(arrived));
        return result.ToAck();
    }
}
