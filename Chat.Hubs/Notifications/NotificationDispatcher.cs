using System.Threading.Channels;
using Chat.Data;
using Chat.Hubs.Blocks;
using Chat.Hubs.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Notifications;

/// <summary>
/// Decides who is pushed what: reads the messages offered to <see cref="OfflineNotifier"/>, keeps
/// the users who are offline on every node and may be told (see
/// <see cref="PushSubscriptionRepository.NotifiableAsync"/>), not blocked by the sender, and
/// pushes or counts each event through <see cref="CoalescingWindows"/>. When a window this node
/// opened ends, what it counted goes out as one push, if the user is still away.
/// </summary>
/// <remarks>
/// One message after another, so a user's events are decided in the order they were sent; the
/// pushes themselves go out from <see cref="PushSender"/>'s lanes. Windows all last the same time,
/// so they end in the order they opened and one queue of closes, first in first out, serves.
/// </remarks>
internal sealed partial class NotificationDispatcher(
    OfflineNotifier notifier,
    CoalescingWindows windows,
    PushSender sender,
    PushSubscriptionRepository subscriptions,
    RoomRepository rooms,
    ThreadRepository threads,
    BlockService blocks,
    ConnectionDirectory connections,
    PushMetrics metrics,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly Channel<ScheduledClose> closes = Channel.CreateUnbounded<ScheduledClose>(new UnboundedChannelOptions { SingleReader = true });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        notifier.Enabled ? Task.WhenAll(DecideAllAsync(stoppingToken), CloseAllAsync(stoppingToken)) : Task.CompletedTask;

    private async Task DecideAllAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var offer in notifier.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await DecideAsync(offer, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogDecisionFailed(logger, e, offer.Message.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DecideAsync(NotificationOffer offer, CancellationToken cancellationToken)
    {
        var message = offer.Message;
        var blockers = await blocks.BlockersOfAsync(message.SenderId, cancellationToken);
        var reasons = new Dictionary<Guid, NotificationKind>();
        IEnumerable<(Guid UserId, NotificationKind Kind)> recipients = offer.Recipients;
        if (message.ThreadRootId is { } rootId)
        {
            var participants = await threads.ParticipantsAsync(message.RoomId, rootId, cancellationToken);
            recipients = recipients.Concat(participants.Where(id => id != message.SenderId).Select(id => (id, NotificationKind.Thread)));
        }

        foreach (var (userId, kind) in recipients)
        {
            if (blockers.Contains(userId))
            {
                continue;
            }

            reasons[userId] = reasons.TryGetValue(userId, out var earlier) && earlier < kind ? earlier : kind;
        }

        if (reasons.Count == 0)
        {
            return;
        }

        var notifiable = await subscriptions.NotifiableAsync(message.RoomId, [.. reasons.Keys], cancellationToken);
        string? roomName = null;
        foreach (var ofUser in notifiable.GroupBy(s => s.UserId))
        {
            if (await connections.CountAsync(ofUser.Key) > 0)
            {
                continue;
            }

            roomName ??= (await rooms.FindAsync(message.RoomId, cancellationToken))?.Name;
            if (roomName is null)
            {
                return;
            }

            var notification = PushNotification.Of(message, roomName, reasons[ofUser.Key]);
            if (await windows.CountAsync(ofUser.Key, message.RoomId, notification, message.Seq) is not { } opened)
            {
                metrics.Coalesced();
                continue;
            }

            sender.Send(ofUser, notification with { Count = opened.Count });
            Schedule(ofUser.Key, message.RoomId, opened);
        }
    }

    private async Task CloseAllAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var close in closes.Reader.ReadAllAsync(stoppingToken))
            {
                var wait = close.Due - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stoppingToken);
                }

                try
                {
                    await CloseAsync(close, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogCloseFailed(logger, e, close.UserId, close.RoomId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CloseAsync(ScheduledClose close, CancellationToken cancellationToken)
    {
        var next = close.Window with { Token = Guid.NewGuid().ToString("N"), Count = 0 };
        if (await windows.CloseAsync(close.UserId, close.RoomId, close.Window, next.Token) is not { } held)
        {
            return;
        }

        // The push opened the next window, which this node closes in turn.
        Schedule(close.UserId, close.RoomId, next);
        // A user who came back meanwhile sees the messages in the app.
        if (await connections.CountAsync(close.UserId) > 0)
        {
            return;
        }

        var notifiable = await subscriptions.NotifiableAsync(close.RoomId, [close.UserId], cancellationToken);
        if (notifiable.Count > 0)
        {
            sender.Send(notifiable, held);
        }
    }

    private void Schedule(Guid userId, Guid roomId, OpenedWindow window) =>
        closes.Writer.TryWrite(new ScheduledClose(userId, roomId, window, clock.GetUtcNow() + windows.Length));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not decide who to notify of message {MessageId}")]
    private static partial void LogDecisionFailed(ILogger logger, Exception exception, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not close the notification window of user {UserId} in room {RoomId}")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, Guid userId, Guid roomId);

    private sealed record ScheduledClose(Guid UserId, Guid RoomId, OpenedWindow Window, DateTimeOffset Due);
}
