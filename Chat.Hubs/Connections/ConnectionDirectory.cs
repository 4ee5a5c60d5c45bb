namespace Chat.Hubs.Connections;

/// <summary>
/// The open connections of each user on every node: this node's in memory
/// (<see cref="UserConnections"/>), every node's in the cluster registry in Redis
/// (<see cref="ClusterConnections"/>) when the service runs as a cluster. Everything that needs
/// "all of a user's connections" (group changes, sends that skip them, presence, the connection
/// cap) asks here, so the answer is the same everywhere.
/// </summary>
public sealed class ConnectionDirectory(UserConnections local, ClusterConnections cluster)
{
    /// <summary>Records a connection on this node and in the cluster registry.</summary>
    public async Task AddAsync(Guid userId, string connectionId)
    {
        local.Add(userId, connectionId);
        await cluster.AddAsync(userId, connectionId);
    }

    /// <summary>Forgets a connection on this node and in the cluster registry.</summary>
    public async Task RemoveAsync(Guid userId, string connectionId)
    {
        local.Remove(userId, connectionId);
        await cluster.RemoveAsync(userId, connectionId);
    }

    /// <summary>The user's connection ids on every live node.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(Guid userId)
    {
        var here = local.Of(userId);
        if (!cluster.Enabled)
        {
            return here;
        }

        // This node's connections are in the registry too, once added; the union also covers one
        // added here a moment before it reached Redis.
        var everywhere = await cluster.OfAsync(userId);
        return here.Count == 0 ? everywhere : [.. here.Union(everywhere)];
    }

    /// <summary>How many connections the user has open on every live node.</summary>
    public async Task<int> CountAsync(Guid userId) => cluster.Enabled ? (await OfAsync(userId)).Count : local.Count(userId);
}
