using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// Which connections each user has on every node, kept in Redis when the service runs as a
/// cluster. Each node renews a heartbeat key with an expiry and is listed in a registry of nodes,
/// with the set of users it holds connections for, so that the connections of a node that died
/// are recognised as gone and its users can be found and marked offline.
/// </summary>
/// <remarks>
/// Keys, under the channel prefix: <c>connections:{userId}</c> (entries <c>nodeId|connectionId</c>),
/// <c>node:{nodeId}</c> (the heartbeat), <c>nodes</c> (every node not yet swept),
/// <c>node-users:{nodeId}</c> and <c>sweep:{nodeId}</c> (the claim of the node sweeping a dead one).
/// </remarks>
public sealed class ClusterConnections(ChatRedisConnection redis, IOptions<ClusterOptions> options)
{
    private const string NodesKey = "nodes";

    // Both sets change together, so a node's user list never misses a user with a connection there.
    private const string AddScript = """
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('SADD', KEYS[2], ARGV[2])
        return redis.call('SCARD', KEYS[1])
        """;

    // The user leaves the node's user list only with the node's last connection of that user; in
    // one script, so a connection of the same user opening on this node meanwhile cannot be lost.
    private const string RemoveScript = """
        redis.call('SREM', KEYS[1], ARGV[1])
        for _, entry in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            if string.sub(entry, 1, string.len(ARGV[3])) == ARGV[3] then
                return redis.call('SCARD', KEYS[1])
            end
        end
        redis.call('SREM', KEYS[2], ARGV[2])
        return redis.call('SCARD', KEYS[1])
        """;

    /// <summary>This node's id, unique per process.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool Enabled => redis.Enabled;

    public async Task AddAsync(Guid userId, string connectionId)
    {
        if (Enabled)
        {
            var db = await redis.DatabaseAsync();
            await db.ScriptEvaluateAsync(
                AddScript,
                [UserKey(userId), NodeUsersKey(NodeId)],
                [ConnectionEntry.Format(NodeId, connectionId), userId.ToString("N")]);
        }
    }

    public async Task RemoveAsync(Guid userId, string connectionId)
    {
        if (Enabled)
        {
            var db = await redis.DatabaseAsync();
            await db.ScriptEvaluateAsync(
                RemoveScript,
                [UserKey(userId), NodeUsersKey(NodeId)],
                [ConnectionEntry.Format(NodeId, connectionId), userId.ToString("N"), ConnectionEntry.NodePrefix(NodeId)]);
        }
    }

    /// <summary>The user's connections on live nodes; entries of dead nodes are dropped on the way.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(Guid userId)
    {
        if (!Enabled)
        {
            return [];
        }

        var db = await redis.DatabaseAsync();
        var entries = (await db.SetMembersAsync(UserKey(userId)))
            .Select(e => ConnectionEntry.Parse(e.ToString()))
            .OfType<ConnectionEntry>()
            .ToArray();
        if (entries.Length == 0)
        {
            return [];
        }

        var nodes = entries.Select(e => e.NodeId).Distinct().ToArray();
        var alive = await db.StringGetAsync([.. nodes.Select(n => (RedisKey)NodeKey(n))]);
        var liveNodes = nodes.Where((_, i) => alive[i].HasValue).ToHashSet();

        var dead = entries.Where(e => !liveNodes.Contains(e.NodeId)).Select(e => (RedisValue)e.ToString()).ToArray();
        if (dead.Length > 0)
        {
            await db.SetRemoveAsync(UserKey(userId), dead);
        }

        return [.. entries.Where(e => liveNodes.Contains(e.NodeId)).Select(e => e.ConnectionId)];
    }

    /// <summary>
    /// Makes this node's entries in the registry match <paramref name="open"/>, its connections
    /// now: entries of connections that closed while Redis was out of reach go, connections that
    /// opened meanwhile are listed. Each user's open connections are read after the user's
    /// entries, so a connection opening meanwhile is not dropped. Returns the users whose entries
    /// changed.
    /// </summary>
    public async Task<IReadOnlyCollection<Guid>> ReconcileNodeAsync(UserConnections open)
    {
        var db = await redis.DatabaseAsync();
        var listed = (await db.SetMembersAsync(NodeUsersKey(NodeId)))
            .Select(u => Guid.TryParse(u.ToString(), out var id) ? id : (Guid?)null)
            .OfType<Guid>();
        var prefix = ConnectionEntry.NodePrefix(NodeId);
        var changed = new HashSet<Guid>();
        foreach (var userId in listed.Union(open.Snapshot().Keys).ToArray())
        {
            var entries = (await db.SetMembersAsync(UserKey(userId)))
                .Select(e => e.ToString())
                .Where(e => e.StartsWith(prefix, StringComparison.Ordinal))
                .ToHashSet();
            var wanted = open.Of(userId).Select(c => ConnectionEntry.Format(NodeId, c)).ToHashSet();
            var gone = entries.Except(wanted).Select(e => (RedisValue)e).ToArray();
            if (gone.Length > 0)
            {
                await db.SetRemoveAsync(UserKey(userId), gone);
                changed.Add(userId);
            }

            foreach (var connectionId in open.Of(userId))
            {
                if (!entries.Contains(ConnectionEntry.Format(NodeId, connectionId)))
                {
                    await AddAsync(userId, connectionId);
                    changed.Add(userId);
                }
            }

            if (wanted.Count == 0)
            {
                // Through the remove script: it keeps the user listed if a connection opened meanwhile.
                await db.ScriptEvaluateAsync(
                    RemoveScript,
                    [UserKey(userId), NodeUsersKey(NodeId)],
                    [ConnectionEntry.Format(NodeId, "-"), userId.ToString("N"), prefix]);
            }
        }

        return changed;
    }

    /// <summary>
    /// Renews this node's heartbeat and lists the node in the registry. True when the node was not
    /// listed: on the first beat, or when a sweeper took the node for dead (it missed its beats)
    /// and released its users.
    /// </summary>
    public async Task<bool> BeatAsync()
    {
        var db = await redis.DatabaseAsync();
        await db.StringSetAsync(NodeKey(NodeId), DateTime.UtcNow.ToString("O"), options.Value.NodeTimeout);
        return await db.SetAddAsync(NodesKey, NodeId);
    }

    /// <summary>Nodes in the registry whose heartbeat expired, this node excepted.</summary>
    public async Task<IReadOnlyList<string>> DeadNodesAsync()
    {
        var db = await redis.DatabaseAsync();
        var nodes = (await db.SetMembersAsync(NodesKey)).Select(n => n.ToString()).Where(n => n != NodeId).ToArray();
        if (nodes.Length == 0)
        {
            return [];
        }

        var beats = await db.StringGetAsync([.. nodes.Select(n => (RedisKey)NodeKey(n))]);
        return [.. nodes.Where((_, i) => !beats[i].HasValue)];
    }

    /// <summary>
    /// Claims the sweeping of a dead node: true for exactly one caller across the cluster. The
    /// claim lapses after a while, so a sweeper that dies halfway does not strand the dead node.
    /// </summary>
    public async Task<bool> TryClaimAsync(string deadNodeId)
    {
        var db = await redis.DatabaseAsync();
        return await db.StringSetAsync(SweepKey(deadNodeId), NodeId, ClaimLifetime, When.NotExists);
    }

    /// <summary>
    /// Removes the connection entries of a node that is gone (dead, or this one stopping) and
    /// returns the users it had connections for, whose presence must be settled again. The node
    /// stays listed until <see cref="ForgetNodeAsync"/>, so a sweeper that dies before the users
    /// are settled leaves the work to the next one.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> DropConnectionsOfAsync(string nodeId)
    {
        var db = await redis.DatabaseAsync();
        var userIds = (await db.SetMembersAsync(NodeUsersKey(nodeId)))
            .Select(u => Guid.TryParse(u.ToString(), out var id) ? id : (Guid?)null)
            .OfType<Guid>()
            .ToArray();
        var prefix = ConnectionEntry.NodePrefix(nodeId);
        foreach (var userId in userIds)
        {
            var gone = (await db.SetMembersAsync(UserKey(userId)))
                .Where(e => e.ToString().StartsWith(prefix, StringComparison.Ordinal))
                .ToArray();
            if (gone.Length > 0)
            {
                await db.SetRemoveAsync(UserKey(userId), gone);
            }
        }

        return userIds;
    }

    /// <summary>Takes a node that is gone out of the registry, with its user list.</summary>
    public async Task ForgetNodeAsync(string nodeId)
    {
        var db = await redis.DatabaseAsync();
        await db.KeyDeleteAsync(NodeUsersKey(nodeId));
        await db.SetRemoveAsync(NodesKey, nodeId);
    }

    /// <summary>Stops the heartbeat at once, so that other nodes stop counting this node's connections.</summary>
    public async Task StopBeatingAsync()
    {
        var db = await redis.DatabaseAsync();
        await db.KeyDeleteAsync(NodeKey(NodeId));
    }

    // Long enough for a sweeper to settle a dead node's users; short enough that another one takes
    // over soon when that sweeper dies too.
    private TimeSpan ClaimLifetime => options.Value.NodeTimeout * 4;

    private static string UserKey(Guid userId) => $"connections:{userId:N}";

    private static string NodeKey(string nodeId) => $"node:{nodeId}";

    private static string NodeUsersKey(string nodeId) => $"node-users:{nodeId}";

    private static string SweepKey(string nodeId) => $"sweep:{nodeId}";
}
