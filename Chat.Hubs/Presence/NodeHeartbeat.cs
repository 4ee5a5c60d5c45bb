using Chat.Data.Resilience;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Hubs.Presence;

/// <summary>
/// Keeps this node listed and alive in the cluster registry while it runs, and on a clean stop
/// hands its users' presence back at once instead of leaving it to other nodes' sweepers.
/// </summary>
public sealed class NodeHeartbeat(
    ClusterConnections cluster,
    ConnectionDirectory connections,
    UserConnections local,
    PresenceService presence,
    IOptions<ClusterOptions> options,
    TimeProvider clock,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (cluster.Enabled)
        {
            // The first beat is written before the node takes connections: until it exists, other
            // nodes would take this node's connections for those of a dead one.
            await BeatAsync(restoreWhenSwept: false, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cluster.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.HeartbeatEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await BeatAsync(restoreWhenSwept: true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (cluster.Enabled)
        {
            await LeaveAsync(cancellationToken);
        }
    }

    private async Task BeatAsync(bool restoreWhenSwept, CancellationToken cancellationToken)
    {
        try
        {
            var newlyListed = await cluster.BeatAsync();
            if (newlyListed && restoreWhenSwept)
            {
                await RestoreAsync(cancellationToken);
            }

            // Changes that could not reach the registry while Redis was away are caught up now.
            foreach (var userId in await connections.ReconcileAsync())
            {
                await presence.SettleAsync(userId, cancellationToken: cancellationToken);
            }
        }
        // A command cut off by a connection torn down under it ends as a cancelled task, and a
        // Redis connection torn down mid-read can even throw InvalidOperationException from its
        // pipe: whatever it is, a heartbeat that fails must not stop the beating (an exception
        // leaving a background service stops the whole node).
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (RedisFaults.IsFault(e) || DatabaseFaults.IsUnavailable(e))
            {
                logger.LogWarning(e, "Node heartbeat failed");
            }
            else
            {
                logger.LogError(e, "Node heartbeat failed unexpectedly");
            }
        }
    }

    /// <summary>
    /// This node missed its beats for longer than the timeout (a long pause, Redis out of reach)
    /// and a sweeper released its users, whose connections here are still open: list them again
    /// and bring them back online.
    /// </summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var open = local.Snapshot();
        logger.LogWarning("Node {NodeId} was taken for dead; restoring {Users} users", cluster.NodeId, open.Count);
        foreach (var (userId, connectionIds) in open)
        {
            foreach (var connectionId in connectionIds)
            {
                await cluster.AddAsync(userId, connectionId);
            }

            await presence.SettleAsync(userId, cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The server has closed this node's connections by now; whatever their own disconnects did
    /// not settle (a shutdown cut short) is settled here, and the node leaves the registry.
    /// </summary>
    private async Task LeaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Claimed first, so that other nodes' sweepers leave this node alone once its heartbeat is gone.
            await cluster.TryClaimAsync(cluster.NodeId);
            await cluster.StopBeatingAsync();
            foreach (var userId in await cluster.DropConnectionsOfAsync(cluster.NodeId))
            {
                await presence.SettleAsync(userId, cancellationToken: cancellationToken);
            }

            await cluster.ForgetNodeAsync(cluster.NodeId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException or ObjectDisposedException
            || DatabaseFaults.IsUnavailable(e))
        {
            // Still listed without a heartbeat: another node's sweeper finishes the work. (A host
            // torn down hard may already have disposed the Redis connection: same outcome.)
            logger.LogWarning(e, "Node {NodeId} could not release its users on shutdown", cluster.NodeId);
        }
    }
}
