namespace Chat.Hubs.Connections;

/// <summary>
/// The open connections of a user on every node: this node's from memory, the other nodes' from
/// the cluster registry when the service runs as a cluster. Everything that needs "all of a
/// user's connections" (group changes, sends that skip them, presence, the connection cap) asks
/// here, so the answer is the same everywhere.
/// </summary>
public sealed class UserConnectionLookup(UserConnections local, ClusterConnections cluster)
{
    /// <summary>The user's connection ids on every live node.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(Guid userId)
    {
        var here = local.Of(userId);
        if (!cluster.Enabled)
        {
            return here;
        }

        // This node's connections are in the registry too, once registered; the union also
        // covers one that is registered here but not yet in Redis.
        var everywhere = await cluster.OfAsync(userId);
        return here.Count == 0 ? everywhere : [.. here.Union(everywhere)];
    }

    /// <summary>How many connections the user has open on every live node.</summary>
    public async Task<int> CountAsync(Guid userId) => cluster.Enabled ? (await OfAsync(userId)).Count : local.Count(userId);
}
