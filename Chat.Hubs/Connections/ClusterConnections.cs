using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// Which connections each user has on every node, kept in Redis when the service runs as a
/// cluster. Each node also keeps a heartbeat key with an expiry, so the connections of a node
/// that died are recognised as gone instead of lingering.
/// </summary>
public sealed class ClusterConnections(ChatRedisConnection redis, ILogger<ClusterConnections> logger) : BackgroundService
{
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HeartbeatLifetime = TimeSpan.FromSeconds(15);

    /// <summary>This node's id, unique per process.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool Enabled => redis.Enabled;

    public async Task AddAsync(Guid userId, string connectionId)
    {
        if (Enabled)
        {
            var db = await redis.DatabaseAsync();
            await db.SetAddAsync(UserKey(userId), $"{NodeId}|{connectionId}");
        }
    }

    public async Task RemoveAsync(Guid userId, string connectionId)
    {
        if (Enabled)
        {
            var db = await redis.DatabaseAsync();
            await db.SetRemoveAsync(UserKey(userId), $"{NodeId}|{connectionId}");
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
        var entries = (await db.SetMembersAsync(UserKey(userId))).Select(e => e.ToString()).ToArray();
        var nodes = entries.Select(e => e.Split('|')[0]).Distinct().ToArray();
        var alive = await db.StringGetAsync([.. nodes.Select(n => (RedisKey)NodeKey(n))]);
        var liveNodes = nodes.Where((_, i) => alive[i].HasValue).ToHashSet();

        var dead = entries.Where(e => !liveNodes.Contains(e.Split('|')[0])).Select(e => (RedisValue)e).ToArray();
        if (dead.Length > 0)
        {
            await db.SetRemoveAsync(UserKey(userId), dead);
        }

        return [.. entries.Where(e => liveNodes.Contains(e.Split('|')[0])).Select(e => e.Split('|')[1])];
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first beat is written before the node takes connections: until it exists, other
        // nodes would take this node's connections for those of a dead one.
        await BeatAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(HeartbeatEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await BeatAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Enabled)
        {
            // A node that stops cleanly says so at once instead of waiting for its key to expire.
            var db = await redis.DatabaseAsync();
            await db.KeyDeleteAsync(NodeKey(NodeId));
        }
    }

    private async Task BeatAsync()
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            var db = await redis.DatabaseAsync();
            await db.StringSetAsync(NodeKey(NodeId), DateTime.UtcNow.ToString("O"), HeartbeatLifetime);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Node heartbeat to Redis failed");
        }
    }

    private static string UserKey(Guid userId) => $"connections:{userId:N}";

    private static string NodeKey(string nodeId) => $"node:{nodeId}";
}
