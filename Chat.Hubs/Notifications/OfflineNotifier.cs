using System.Threading.Channels;
using Chat.Contracts;
using Chat.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Notifications;

/// <summary>A stored message and the users it may concern while they are away.</summary>
internal sealed record NotificationOffer(StoredMessage Message, (Guid UserId, NotificationKind Kind)[] Recipients);

/// <summary>
/// Where the send paths hand over a stored message and who it concerns, after its ack: whether
/// each of them gets a push (offline everywhere, not dnd, the room not muted, the sender not
/// blocked) and when (coalesced per user and room) is decided in the background by
/// <see cref="NotificationDispatcher"/>. Offering never waits: a full queue drops the offer
/// (logged and counted) rather than slow a send down.
/// </summary>
public sealed partial class OfflineNotifier(IOptions<PushOptions> options, PushMetrics metrics, ILogger<OfflineNotifier> logger)
{
    private readonly Channel<NotificationOffer> queue = Channel.CreateBounded<NotificationOffer>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>True when push is configured; offers are ignored otherwise.</summary>
    public bool Enabled { get; } = options.Value.Enabled;

    /// <summary>What <see cref="NotificationDispatcher"/> reads.</summary>
    internal ChannelReader<NotificationOffer> Reader => queue.Reader;

    /// <summary>
    /// Offers <paramref name="message"/> (stored) to <paramref name="recipients"/>, each for a
    /// reason; a thread reply is offered to the thread's participants as well, who are read in the
    /// background. The sender is never told of their own message; a user named twice is told once,
    /// for the first reason of <see cref="NotificationKind"/>'s order (private, mention, thread).
    /// </summary>
    public void Offer(StoredMessage message, IEnumerable<(Guid UserId, NotificationKind Kind)> recipients)
    {
        if (!Enabled || message.Type is MessageType.Join or MessageType.Leave)
        {
            return;
        }

        (Guid UserId, NotificationKind Kind)[] concerned = [.. recipients.Where(r => r.UserId != message.SenderId)];
        if ((concerned.Length > 0 || message.ThreadRootId is not null) && !queue.Writer.TryWrite(new NotificationOffer(message, concerned)))
        {
            metrics.Dropped("message");
            LogDropped(logger, message.Id, message.RoomId);
        }
    }

    /// <summary>
    /// Offers a message sent in a room to those it concerns by itself: its private recipient, the
    /// users it mentions by name, and (read later) its thread's participants. An <c>@room</c>
    /// mention pushes nobody: it tells every member, which a push to each would turn into a flood.
    /// </summary>
    public void OfferSent(StoredMessage message)
    {
        var mentioned = message.Mentions ?? [];
        if (message.ToUserId is { } recipient)
        {
            Offer(message, [(recipient, NotificationKind.Private), .. mentioned.Select(id => (id, NotificationKind.Mention))]);
        }
        else
        {
            Offer(message, mentioned.Select(id => (id, NotificationKind.Mention)));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notification queue is full: message {MessageId} of room {RoomId} notifies nobody")]
    private static partial void LogDropped(ILogger logger, Guid messageId, Guid roomId);
}
