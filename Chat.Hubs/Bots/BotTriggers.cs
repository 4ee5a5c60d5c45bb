using System.Threading.Channels;
using Chat.Contracts;
using Chat.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Bots;

/// <summary>
/// Stored messages that may concern a bot, handed from the send path to <see cref="BotRunner"/>
/// after their ack: the send never waits for a bot, and a full queue drops the trigger (logged)
/// rather than slow the send down.
/// </summary>
public sealed partial class BotTriggers(BotRooms rooms, IOptions<BotRunOptions> options, ILogger<BotTriggers> logger)
{
    private readonly Channel<StoredMessage> queue = Channel.CreateBounded<StoredMessage>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>What <see cref="BotRunner"/> reads.</summary>
    internal ChannelReader<StoredMessage> Reader => queue.Reader;

    /// <summary>Hands a stored message on when its room has a bot; bots' own messages never trigger one.</summary>
    public void Offer(StoredMessage message, GlobalRole senderRole)
    {
        if (senderRole == GlobalRole.Bot || message.Type is not (MessageType.Text or MessageType.Image or MessageType.File)
            || !rooms.Contains(message.RoomId))
        {
            return;
        }

        if (!queue.Writer.TryWrite(message))
        {
            LogDropped(logger, message.Id, message.RoomId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bot queue is full: message {MessageId} of room {RoomId} gets no reply")]
    private static partial void LogDropped(ILogger logger, Guid messageId, Guid roomId);
}
