using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Bots;

/// <summary>
/// Takes the triggers the send path handed over (<see cref="BotTriggers"/>) and starts the replies
/// they ask for, each as background work of this node (<see cref="ReplyRun"/>), within the
/// per-room and per-node caps. A trigger over a cap gets a reply that ends at once with
/// <c>limit</c>, so its sender learns why no answer comes. On a graceful stop the runs in progress
/// end with an error and are stored so.
/// </summary>
public sealed partial class BotRunner(
    BotTriggers triggers,
    BotDirectory directory,
    BotRepository bots,
    ReplyRun replies,
    ReplyRepository stored,
    RunningReplies running,
    RoomBroadcaster broadcaster,
    IOptions<BotRunOptions> options,
    TimeProvider clock,
    ILogger<BotRunner> logger) : BackgroundService
{
    private readonly List<Task> runs = [];
    private readonly Lock gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var trigger in triggers.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await StartRepliesAsync(trigger, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogTriggerFailed(logger, e, trigger.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Task[] inProgress;
        lock (gate)
        {
            inProgress = [.. runs];
        }

        // The runs saw the stop through their token and store how they ended.
        await Task.WhenAll(inProgress).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task StartRepliesAsync(StoredMessage trigger, CancellationToken stoppingToken)
    {
        var room = await bots.OfRoomAsync(trigger.RoomId, stoppingToken);
        if (room is null)
        {
            return;
        }

        foreach (var botId in room.BotIds)
        {
            if (directory.Find(botId) is not { } bot || !BotMentions.Concerns(trigger, bot, room.Settings))
            {
                continue;
            }

            var limits = options.Value;
            if (!running.TryEnter(trigger.RoomId, limits.MaxRepliesPerRoom, limits.MaxRepliesPerNode))
            {
                await RefuseAsync(bot, trigger, stoppingToken);
                continue;
            }

            Track(RunAsync(bot, trigger, stoppingToken));
        }
    }

    private async Task RunAsync(DeclaredBot bot, StoredMessage trigger, CancellationToken stoppingToken)
    {
        try
        {
            await replies.RunAsync(bot, trigger, stoppingToken);
        }
        finally
        {
            running.Leave(trigger.RoomId);
        }
    }

    /// <summary>A reply that ends at once with <c>limit</c>: too many replies are in progress.</summary>
    private async Task RefuseAsync(DeclaredBot bot, StoredMessage trigger, CancellationToken cancellationToken)
    {
        LogRefused(logger, bot.UserName, trigger.RoomId);
        var toUserId = trigger.ToUserId is null ? (Guid?)null : trigger.SenderId;
        var reply = (await stored.StartAsync(
            new StreamStart(Guid.NewGuid(), trigger.RoomId, bot.UserId, toUserId, trigger.Id, ClientMessageId: null, clock.UtcNowAsStored()),
            cancellationToken))?.Message;
        if (reply is null)
        {
            return;
        }

        var error = new MessageErrorDto(ErrorCodes.Limit, "too many replies are in progress in this room; ask again shortly");
        var ended = await stored.FinishAsync(reply.Id, MessageStatus.Error, new ReplyProgress("", [], -1), error, clock.UtcNowAsStored(), cancellationToken);
        await broadcaster.MessageStoredAsync((ended ?? reply).ToDto(), sendingConnectionId: null);
    }

    private void Track(Task run)
    {
        lock (gate)
        {
            runs.RemoveAll(r => r.IsCompleted);
            runs.Add(run);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting the bot replies to message {MessageId} failed")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception, Guid messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bot {UserName} refused a trigger in room {RoomId}: too many replies in progress")]
    private static partial void LogRefused(ILogger logger, string userName, Guid roomId);
}
