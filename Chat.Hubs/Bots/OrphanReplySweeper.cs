using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Bots;

/// <summary>
/// Ends with an error the replies whose node stopped storing them (it died mid-run): a reply is
/// never left <c>streaming</c> for ever. Every node sweeps; the update is conditional, so each
/// orphan is ended and announced once.
/// </summary>
public sealed partial class OrphanReplySweeper(
    ReplyRepository replies, RoomBroadcaster broadcaster, IOptions<BotRunOptions> options, TimeProvider clock, ILogger<OrphanReplySweeper> logger)
    : BackgroundService
{
    private static readonly MessageErrorDto NodeLost = new(ErrorCodes.Unavailable, "the bot's node stopped before the reply was complete");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    /// <summary>One pass; returns how many orphans it ended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var before = clock.UtcNowAsStored() - options.Value.OrphanAfter;
        var ended = await replies.EndOrphansAsync(before, NodeLost, cancellationToken);
        foreach (var reply in ended)
        {
            LogEnded(logger, reply.Id, reply.RoomId);
            await broadcaster.MessageEditedAsync(reply.ToDto());
        }

        return ended.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reply {ReplyId} in room {RoomId} was left streaming by a node that stopped: ended with an error")]
    private static partial void LogEnded(ILogger logger, Guid replyId, Guid roomId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for orphaned replies failed; trying again at the next period")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
