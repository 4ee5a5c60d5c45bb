using System.Collections.Concurrent;
using Chat.Data.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Presence;

/// <summary>
/// Users whose presence could not be settled because the database was away when a connection of
/// theirs opened or closed: nothing else would settle them again, and a user whose last
/// connection closed during an outage would show online for good. They are settled again every
/// few seconds until the database takes it.
/// </summary>
public sealed partial class UnsettledPresence(PresenceService presence, TimeProvider clock, ILogger<UnsettledPresence> logger) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, bool> users = new();

    /// <summary>How many users wait to be settled again.</summary>
    public int Count => users.Count;

    /// <summary>Settles the user now; when the database is away, again later.</summary>
    public async Task SettleAsync(Guid userId)
    {
        try
        {
            await presence.SettleAsync(userId);
        }
        catch (Exception e) when (DatabaseFaults.IsUnavailable(e) || e is TimeoutException)
        {
            users[userId] = true;
            LogDeferred(logger, userId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var userId in users.Keys)
                {
                    try
                    {
                        users.TryRemove(userId, out _);
                        await presence.SettleAsync(userId, cancellationToken: stoppingToken);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Still away (or failing otherwise): kept for the next round.
                        users[userId] = true;
                        LogStillUnsettled(logger, e, userId);
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping; its heartbeat's leave settles its users.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The presence of {UserId} could not be settled (database unavailable); trying again shortly")]
    private static partial void LogDeferred(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The presence of {UserId} still cannot be settled")]
    private static partial void LogStillUnsettled(ILogger logger, Exception exception, Guid userId);
}
