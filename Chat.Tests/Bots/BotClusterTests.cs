using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>
/// A reply runs on the node that stored its trigger; members on the other node see the whole
/// stream, and a moderator on the other node stops it (through the request stored on its row).
/// </summary>
public sealed class BotClusterTests(BotClusterTests.BotClusterFixture cluster) : IClassFixture<BotClusterTests.BotClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_member_on_the_other_node_sees_the_whole_stream_of_a_reply()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(cluster.NodeA);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);

        await aliceOnA.SendTextAsync(room.Id, "@helper across the nodes please");
        var reply = await BotNode.NextFromAsync(bobOnB, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobOnB, reply.Id, Wait);

        Assert.Equal(MessageStatus.Streaming, reply.Status);
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.Index));
        Assert.Equal(final.Content, string.Concat(parts.Select(p => p.Text)));
        Assert.Equal("You said: @helper across the nodes please", final.Content);
    }

    [Fact]
    public async Task A_moderator_on_the_other_node_stops_a_reply_and_it_ends_cancelled()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(cluster.NodeA);
        using var aliceHttp = cluster.NodeA.Http(alice.Token);
        await aliceHttp.ChangeRoleAsync(room.Id, bob.Profile.Id, "moderator").ExpectSuccessAsync();
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);

        await aliceOnA.SendTextAsync(room.Id, "@helper " + string.Join(' ', Enumerable.Repeat("endless", 400)));
        var reply = await BotNode.NextFromAsync(bobOnB, bot.Id, Wait);
        await bobOnB.NextStreamingAsync(Wait);
        await bobOnB.StopReplyAsync(room.Id, reply.Id);
        var final = await BotNode.NextUpdateOfAsync(aliceOnA, reply.Id, Wait);

        Assert.Equal(MessageStatus.Cancelled, final.Status);
        Assert.StartsWith("You said:", final.Content);
        Assert.True(final.Content.Length < 400 * 8, "stopped long before the end");
    }

    /// <summary>Two nodes on the test Redis, both running the bot.</summary>
    public sealed class BotClusterFixture() : TwoNodeFixture(linkedByRedis: true, settings: BotNode.Settings());
}
