using Chat.Data;
using Chat.Data.Resilience;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Hubs.Presence;

/// <summary>
/// Finds nodes that died without a word and settles their users' presence, so that nobody stays
/// online forever on a node that is gone. Runs on every node; each dead node is claimed by one.
/// Without Redis there is a single node, and the only node that can have died is its own previous
/// run: on start-up nobody is connected yet.
/// </summary>
public sealed class DeadNodeSweeper(
    ClusterConnections cluster,
    PresenceService presence,
    UserRepository users,
    IOptions<ClusterOptions> options,
    TimeProvider clock,
    ILogger<DeadNodeSweeper> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!cluster.Enabled)
        {
            await ForgetPreviousRunAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cluster.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SweepEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                // Whatever the failure (a Redis connection torn down mid-read throws even
                // InvalidOperationException), the claim lapses and this or another node tries again;
                // an exception leaving a background service would stop the whole node.
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    if (RedisFaults.IsFault(e) || DatabaseFaults.IsUnavailable(e))
                    {
                        logger.LogWarning(e, "Sweeping dead nodes failed");
                    }
                    else
                    {
                        logger.LogError(e, "Sweeping dead nodes failed unexpectedly");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Settles the users of every dead node this node manages to claim.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var deadNode in await cluster.DeadNodesAsync())
        {
            if (!await cluster.TryClaimAsync(deadNode))
            {
                continue;
            }

            var userIds = await cluster.DropConnectionsOfAsync(deadNode);
            logger.LogWarning("Node {DeadNodeId} stopped beating; settling {Users} users", deadNode, userIds.Count);
            foreach (var userId in userIds)
            {
                await presence.SettleAsync(userId, cancellationToken: cancellationToken);
            }

            await cluster.ForgetNodeAsync(deadNode);
        }
    }

    private async Task ForgetPreviousRunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var count = await users.MarkEveryoneOfflineAsync(clock.UtcNowAsStored(), cancellationToken);
            if (count > 0)
            {
                logger.LogInformation("Marked {Count} users offline who were present when the node last stopped", count);
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException || DatabaseFaults.IsUnavailable(e))
        {
            // An unreachable database must not keep the node from starting: readiness reports it.
            logger.LogWarning(e, "Could not reset presence at start-up");
        }
    }
}
