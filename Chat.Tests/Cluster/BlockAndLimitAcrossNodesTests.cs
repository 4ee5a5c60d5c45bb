using Chat.Hubs.Blocks;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Cluster;

/// <summary>The connection cap and blocking when a user's connections are spread over two nodes.</summary>
public sealed class BlockAndLimitAcrossNodesTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    private const int DefaultConnectionsPerUser = 10;

    [Fact]
    public async Task The_connection_cap_counts_the_connections_on_both_nodes()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var open = new List<HubClient>();
        try
        {
            for (var i = 0; i < DefaultConnectionsPerUser; i++)
            {
                open.Add(await HubClient.ConnectAsync(i % 2 == 0 ? cluster.NodeA : cluster.NodeB, alice));
            }

            await using var extra = HubClient.Build(cluster.NodeB, alice.Token);
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            extra.Closed += error =>
            {
                closed.TrySetResult(error);
                return Task.CompletedTask;
            };
            var error = await Record.ExceptionAsync(() => extra.StartAsync()) ?? await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));

            Assert.Contains("limit", error?.Message, StringComparison.Ordinal);
            Assert.Equal(HubConnectionState.Disconnected, extra.State);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_blockers_connection_on_the_other_node_does_not_receive_the_blocked_users_room_message()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(cluster.NodeA);

        using var http = cluster.NodeA.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);

        var muffled = await bobOnB.SendTextAsync(room.Id, "from B");
        var fromCarol = await carolOnB.SendTextAsync(room.Id, "also from B");

        Assert.Equal(muffled.MessageId, (await carolOnB.NextMessageAsync()).Id);
        Assert.Equal(fromCarol.MessageId, (await aliceOnA.NextMessageAsync()).Id);
    }

    [Fact]
    public async Task A_block_made_on_one_node_reaches_the_other_within_seconds_though_it_had_the_old_answer()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(cluster.NodeA);

        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);
        // Node B now knows (and keeps) that nobody blocks bob.
        var before = await bobOnB.SendTextAsync(room.Id, "before the block");
        Assert.Equal(before.MessageId, (await aliceOnA.NextMessageAsync()).Id);

        using var http = cluster.NodeA.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        // Node B looks for changes once a second; until then it answers from what it kept.
        var nodeBBlocks = cluster.NodeB.Services.GetRequiredService<BlockService>();
        await Poll.UntilAsync(
            async () => (await nodeBBlocks.BlockersOfAsync(bob.Id)).Contains(alice.Id), TimeSpan.FromSeconds(10), "node B learns of the block");
        await bobOnB.SendTextAsync(room.Id, "after the block");
        var fromCarol = await carolOnB.SendTextAsync(room.Id, "from carol");

        Assert.Equal(fromCarol.MessageId, (await aliceOnA.NextMessageAsync()).Id);
    }
}
