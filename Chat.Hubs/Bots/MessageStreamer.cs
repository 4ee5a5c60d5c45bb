using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Blocks;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Chat.Hubs.Notifications;
using Chat.Hubs.Threads;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Bots;

/// <summary>
/// <c>StreamMessage</c>: a member (a service, typically) streams a message it produces as it
/// goes, and the room sees it grow exactly like a bot's reply. <c>SendMessage</c>'s rules hold,
/// checked the same way (<see cref="SendPrechecks"/>, then <see cref="SendPolicy"/> in the
/// transaction that stores the start), and idempotency by <c>clientMessageId</c> (a stream
/// repeated with the same id is answered as a duplicate and its parts ignored).
/// </summary>
public sealed class MessageStreamer(
    MembershipRepository members,
    BlockService blocks,
    SendRateLimiter rateLimiter,
    ReplyRepository replies,
    ThreadService threads,
    MessageStreamRun streams,
    IOptions<ChatOptions> chat,
    IHostApplicationLifetime lifetime,
    OfflineNotifier notifier,
    TimeProvider clock)
{
    // A stream is held open by its producer; past this it ends with an error.
    private static readonly TimeSpan LongestStream = TimeSpan.FromMinutes(10);

    public async Task<MessageAck> StreamAsync(
        Caller caller, StreamMessageRequest? request, IAsyncEnumerable<StreamPart?> parts, CancellationToken cancellationToken)
    {
        var roomId = WireIds.Parse(request?.RoomId, "roomId");
        var clientMessageId = WireIds.Parse(request?.ClientMessageId, "clientMessageId");
        var toUserId = WireIds.ParseOptional(request?.ToUserId, "toUserId");
        var replyToId = WireIds.ParseOptional(request?.ReplyToId, "replyToId");
        var threadRootId = WireIds.ParseOptional(request?.ThreadRootId, "threadRootId");
        await rateLimiter.TakeTokenAsync(caller.UserId);
        var policy = new SendPolicy(caller, MessageType.Text, clock, rateLimiter);
        await SendPrechecks.EnsureAsync(
            members, blocks, caller, roomId, policy, toUserId, namesRoomData: threadRootId is not null, cancellationToken);
        if (threadRootId is { } rootId)
        {
            await threads.EnsureRootAsync(roomId, rootId, cancellationToken);
        }

        var started = await replies.StartAsync(
            new StreamStart(Guid.CreateVersion7(), roomId, caller.UserId, toUserId, replyToId, clientMessageId, clock.UtcNowAsStored(), threadRootId),
            policy,
            cancellationToken) ?? throw ChatException.NotFound("room");
        if (started.Duplicate)
        {
            await rateLimiter.RefundTokenAsync(caller.UserId);
            return Ack(started.Message, duplicate: true);
        }

        var final = await streams.RunAsync(
            started.Message,
            (stream, token) => ConsumeAsync(parts, stream, token),
            LongestStream,
            "the stream was cut off",
            caller.ConnectionId,
            lifetime.ApplicationStopping);
        // Told once the message is whole, so the push previews what was said (to its private
        // recipient, or to its thread's participants).
        if (final is { Status: MessageStatus.Complete })
        {
            notifier.OfferSent(final);
        }

        return Ack(final ?? started.Message, duplicate: false);
    }

    /// <summary>Adds each part the producer sends to the message; a part that breaks a rule ends it.</summary>
    private async Task ConsumeAsync(IAsyncEnumerable<StreamPart?> parts, ReplyStream stream, CancellationToken cancellationToken)
    {
        var maxLength = chat.Value.MaxContentLength;
        var length = 0;
        var toolLength = 0;
        await foreach (var part in parts.WithCancellation(cancellationToken))
        {
            switch (part?.Kind)
            {
                case PartKinds.TextDelta or PartKinds.Text:
                    TextRules.EnsureContent(part.Text, "text");
                    length += part.Text?.Length ?? 0;
                    if (length > maxLength)
                    {
                        throw new ChatException(ErrorCodes.TooLarge, $"a message holds at most {maxLength} characters");
                    }

                    stream.AddText(part.Text);
                    break;
                case PartKinds.ToolCall when !string.IsNullOrEmpty(part.CallId) && !string.IsNullOrEmpty(part.Name):
                    TextRules.EnsureContent(part.Arguments, "arguments");
                    EnsureToolsFit(toolLength += part.CallId.Length + part.Name.Length + (part.Arguments?.Length ?? 0));
                    stream.AddToolCall(part.CallId, part.Name, part.Arguments ?? "{}");
                    break;
                case PartKinds.ToolResult when !string.IsNullOrEmpty(part.CallId):
                    TextRules.EnsureContent(part.Result, "result");
                    EnsureToolsFit(toolLength += part.CallId.Length + (part.Result?.Length ?? 0));
                    stream.AddToolResult(part.CallId, part.Result ?? "", part.IsError ?? false);
                    break;
                default:
                    throw ChatException.Invalid("a part is text_delta (text), tool_call (callId, name) or tool_result (callId)");
            }
        }
    }

    // Tool calls and results are stored with the message: bounded, like its text.
    private const int MaxToolCharacters = 64 * 1024;

    private static void EnsureToolsFit(int length)
    {
        if (length > MaxToolCharacters)
        {
            throw new ChatException(ErrorCodes.TooLarge, $"a message's tool calls and results hold at most {MaxToolCharacters} characters");
        }
    }

    private static MessageAck Ack(StoredMessage message, bool duplicate) =>
        new(message.Id, message.RoomId, message.Seq, message.SentAt, duplicate);
}
