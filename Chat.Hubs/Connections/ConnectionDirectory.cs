using Chat.Data;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// The open connections of each user on every node: this node's in memory
/// (<see cref="UserConnections"/>), every node's in the cluster registry in Redis
/// (<see cref="ClusterConnections"/>) when the service runs as a cluster. Everything that needs
/// "all of a user's connections" (group changes, sends that skip them, presence, the connection
/// cap) asks here, so the answer is the same everywhere.
/// </summary>
/// <remarks>
/// Redis is needed to see other nodes, not to stay up: while it is out of reach the node keeps
/// taking connections and answers from its own, and notes that the registry is behind. Once Redis
/// answers again, <see cref="ReconcileAsync"/> (run by the heartbeat) makes the registry's entries
/// of this node match its open connections, so no connection that closed meanwhile stays listed
/// (a user shown online for good, a connection slot used up) and none that opened is missing.
/// </remarks>
public sealed partial class ConnectionDirectory(
    UserConnections local, ClusterConnections cluster, RedisHealth health, ChatMetrics metrics, ILogger<ConnectionDirectory> logger)
{
    private int registryBehind;

    /// <summary>True when a change of this node's connections could not reach the registry.</summary>
    public bool RegistryBehind => Volatile.Read(ref registryBehind) == 1;

    /// <summary>Records a connection on this node and in the cluster registry.</summary>
    public async Task AddAsync(Guid userId, string connectionId)
    {
        local.Add(userId, connectionId);
        await InRegistryAsync(() => cluster.AddAsync(userId, connectionId));
    }

    /// <summary>Forgets a connection on this node and in the cluster registry.</summary>
    public async Task RemoveAsync(Guid userId, string connectionId)
    {
        local.Remove(userId, connectionId);
        await InRegistryAsync(() => cluster.RemoveAsync(userId, connectionId));
    }

    /// <summary>The user's connection ids on every live node; this node's alone while Redis is away.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(Guid userId)
    {
        var here = local.Of(userId);
        if (!cluster.Enabled || health.IsAway)
        {
            return here;
        }

        IReadOnlyList<string> everywhere;
        try
        {
            everywhere = await cluster.OfAsync(userId);
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            Degraded(e);
            return here;
        }

        // This node's connections are in the registry too, once added; the union also covers one
        // added here a moment before it reached Redis.
        return here.Count == 0 ? everywhere : [.. here.Union(everywhere)];
    }

    /// <summary>How many connections the user has open on every live node.</summary>
    public async Task<int> CountAsync(Guid userId) => cluster.Enabled && !health.IsAway ? (await OfAsync(userId)).Count : local.Count(userId);

    /// <summary>
    /// Makes the registry's entries of this node match its open connections, when a change could
    /// not reach it (or <paramref name="force"/>: Redis came back empty). Returns the users whose
    /// entries changed, whose presence is to be settled again; empty when nothing was behind.
    /// </summary>
    public async Task<IReadOnlyCollection<Guid>> ReconcileAsync(bool force = false)
    {
        if (!cluster.Enabled || health.IsAway || (Interlocked.Exchange(ref registryBehind, 0) == 0 && !force))
        {
            return [];
        }

        try
        {
            var changed = await cluster.ReconcileNodeAsync(local);
            LogReconciled(logger, changed.Count);
            return changed;
        }
        catch
        {
            Volatile.Write(ref registryBehind, 1);
            throw;
        }
    }

    private async Task InRegistryAsync(Func<Task> change)
    {
        if (health.IsAway)
        {
            Volatile.Write(ref registryBehind, 1);
            return;
        }

        try
        {
            await change();
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            Volatile.Write(ref registryBehind, 1);
            Degraded(e);
        }
    }

    private void Degraded(Exception e)
    {
        metrics.RedisFailed();
        if (health.NoteFailure(e))
        {
            LogDegraded(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection registry is out of reach; this node answers from its own connections until Redis is back")]
    private static partial void LogDegraded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The connection registry is back; {Users} users' entries of this node were brought up to date")]
    private static partial void LogReconciled(ILogger logger, int users);
}
