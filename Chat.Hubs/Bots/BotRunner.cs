using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Limits;
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
    RateBudgets budgets,
    RoomBroadcaster broadcaster,
    ChatMetrics metrics,
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

            if (await OverBudgetAsync(trigger) is { } spent)
            {
                await RefuseAsync(bot, trigger, spent, stoppingToken);
                continue;
            }

            var limits = options.Value;
            if (!running.TryEnter(trigger.RoomId, limits.MaxRepliesPerRoom, limits.MaxRepliesPerNode))
            {
                await RefuseAsync(
                    bot, trigger, new MessageErrorDto(ErrorCodes.Limit, "too many replies are in progress in this room; ask again shortly"), stoppingToken);
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

    /// <summary>
    /// The asker's or the room's budget of bot replies is spent: the refusal, with when to ask
    /// again. A user's permit taken before the room's budget refused is given back.
    /// </summary>
    private async Task<MessageErrorDto?> OverBudgetAsync(StoredMessage trigger)
    {
        var user = RateBudgets.PartitionOf(trigger.SenderId);
        if (await budgets.TryTakeAsync(Budget.BotTriggersPerUser, user) is { } userWait)
        {
            return Refusal(Budget.BotTriggersPerUser, userWait);
        }

        if (await budgets.TryTakeAsync(Budget.BotTriggersPerRoom, RateBudgets.PartitionOf(trigger.RoomId)) is { } roomWait)
        {
            await budgets.RefundAsync(Budget.BotTriggersPerUser, user);
            return Refusal(Budget.BotTriggersPerRoom, roomWait);
        }

        return null;
    }

    private static MessageErrorDto Refusal(Budget budget, TimeSpan wait) =>
        new(ErrorCodes.RateLimited, $"{budget.Refusal()}; ask again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s");

    /// <summary>A reply that ends at once with <paramref name="error"/>, so the asker learns why no answer comes.</summary>
    private async Task RefuseAsync(DeclaredBot bot, StoredMessage trigger, MessageErrorDto error, CancellationToken cancellationToken)
    {
        LogRefused(logger, bot.UserName, trigger.RoomId, error.Code);
        metrics.BotReplyEnded("refused");
        var reply = (await stored.StartAsync(
            bot.ReplyTo(trigger, clock.UtcNowAsStored()),
            cancellationToken: cancellationToken))?.Message;
        if (reply is null)
        {
            return;
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Bot {UserName} refused a trigger in room {RoomId}: {Code}")]
    private static partial void LogRefused(ILogger logger, string userName, Guid roomId, string code);
}
