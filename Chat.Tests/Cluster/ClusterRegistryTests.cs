using Chat.Hubs;
using Chat.Hubs.Connections;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Cluster;

/// <summary>The Redis registry of nodes and connections, driven directly as several nodes would.</summary>
public sealed class ClusterRegistryTests : IAsyncDisposable
{
    // A prefix of its own: these nodes share the test Redis with every other test class.
    private readonly ChatRedisConnection redis = new(Options.Create(new ChatRedisOptions
    {
        Configuration = TestServers.Redis,
        ChannelPrefix = $"chat-test-registry-{Guid.NewGuid():N}",
    }));

    public ValueTask DisposeAsync() => redis.DisposeAsync();

    [Fact]
    public async Task A_dead_node_is_claimed_by_one_sweeper_and_its_connections_are_dropped()
    {
        var dying = Node();
        var sweepers = new[] { Node(), Node(), Node() };
        var bob = Guid.NewGuid();
        var carol = Guid.NewGuid();
        await dying.BeatAsync();
        await dying.AddAsync(bob, "laptop");
        await dying.AddAsync(bob, "phone");
        await dying.AddAsync(carol, "tablet");
        await dying.RemoveAsync(carol, "tablet");
        Assert.Equal(2, (await sweepers[0].OfAsync(bob)).Count);

        // Its heartbeat expires the way a killed node's does; it stays listed.
        await dying.StopBeatingAsync();

        Assert.Empty(await sweepers[0].OfAsync(bob));
        foreach (var sweeper in sweepers)
        {
            Assert.Contains(dying.NodeId, await sweeper.DeadNodesAsync());
        }

        var claims = await Task.WhenAll(sweepers.Select(s => s.TryClaimAsync(dying.NodeId)));
        var winner = sweepers[Assert.Single(Enumerable.Range(0, claims.Length), i => claims[i])];
        // Carol left the dying node with her last connection there, so only bob is left to settle.
        Assert.Equal([bob], await winner.DropConnectionsOfAsync(dying.NodeId));
        await winner.ForgetNodeAsync(dying.NodeId);
        Assert.DoesNotContain(dying.NodeId, await sweepers[1].DeadNodesAsync());
        Assert.False(await sweepers[2].TryClaimAsync(dying.NodeId));
    }

    [Fact]
    public async Task A_user_stays_on_a_nodes_list_until_his_last_connection_there_closes()
    {
        var node = Node();
        var other = Node();
        var bob = Guid.NewGuid();
        await node.BeatAsync();
        await other.BeatAsync();
        await node.AddAsync(bob, "laptop");
        await node.AddAsync(bob, "phone");
        await other.AddAsync(bob, "tablet");

        await node.RemoveAsync(bob, "laptop");
        Assert.Equal([bob], await node.DropConnectionsOfAsync(node.NodeId));
        await node.AddAsync(bob, "phone");
        await node.RemoveAsync(bob, "phone");

        Assert.Empty(await node.DropConnectionsOfAsync(node.NodeId));
        Assert.Equal(["tablet"], await node.OfAsync(bob));
    }

    [Fact]
    public async Task A_node_is_newly_listed_on_its_first_beat_and_again_after_being_forgotten()
    {
        var node = Node();
        var sweeper = Node();

        Assert.True(await node.BeatAsync());
        Assert.False(await node.BeatAsync());
        await sweeper.ForgetNodeAsync(node.NodeId);
        Assert.True(await node.BeatAsync());
    }

    // One registry per simulated node; they may share the Redis connection, as nothing in the
    // registry depends on which connection a command travels on.
    private ClusterConnections Node() => new(redis, Options.Create(new ClusterOptions()));
}
