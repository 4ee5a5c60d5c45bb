using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Cluster;

/// <summary>Thread replies and mentions between members on two nodes linked by Redis.</summary>
public sealed class ThreadClusterTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    [Fact]
    public async Task A_thread_reply_sent_on_one_node_reaches_members_on_both_nodes_routed_to_its_root_with_its_mentions()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeB, "bob");
        var carol = await TestUser.RegisterAsync(cluster.NodeA, "carol");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await bob.JoinAsync(cluster.NodeB, room.Id);
        await carol.JoinAsync(cluster.NodeA, room.Id);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice, HubProtocol.MessagePack);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob, HubProtocol.Json);
        await using var carolOnA = await HubClient.ConnectAsync(cluster.NodeA, carol, HubProtocol.Json);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol, HubProtocol.MessagePack);

        var root = await aliceOnA.SendTextAsync(room.Id, "who is in?");
        var fromB = await bobOnB.SendThreadReplyAsync(room.Id, root.MessageId, $"me, and @{carol.Profile.UserName}?");
        var fromA = await aliceOnA.SendThreadReplyAsync(room.Id, root.MessageId, "great", alsoToRoom: true);
        var bobsAtAlice = await aliceOnA.NextThreadReplyAsync(root.MessageId);
        var bobsAtCarolOnA = await carolOnA.NextThreadReplyAsync(root.MessageId);
        var bobsAtCarolOnB = await carolOnB.NextThreadReplyAsync(root.MessageId);
        var alicesAtBob = await bobOnB.NextThreadReplyAsync(root.MessageId);
        var pageOnB = await bobOnB.GetThreadAsync(room.Id, root.MessageId);
        var historyOnB = await bobOnB.GetHistoryAsync(room.Id);
        using var carolHttpOnB = cluster.NodeB.Http(carol.Token);
        var carolsRoomOnB = Assert.Single(await carolHttpOnB.RoomsAsync(), r => r.Id == room.Id);

        Assert.All(new[] { bobsAtAlice, bobsAtCarolOnA, bobsAtCarolOnB }, m =>
        {
            Assert.Equal((fromB.MessageId, root.MessageId), (m.Id, m.ThreadRootId));
            Assert.Equal([carol.Id], m.Mentions);
        });
        Assert.Equal((fromA.MessageId, true), (alicesAtBob.Id, alicesAtBob.AlsoToRoom));
        Assert.Equal([fromB.MessageId, fromA.MessageId], pageOnB.Replies.Select(r => r.Id));
        Assert.Equal(2, pageOnB.Root.Thread!.ReplyCount);
        Assert.Equal([alice.Id, bob.Id], pageOnB.Root.Thread.LatestReplierIds);
        Assert.Equal(fromB.Seq, pageOnB.LastReadSeq);
        Assert.Equal([root.MessageId, fromA.MessageId], historyOnB.Where(m => m.Type == MessageType.Text).Select(m => m.Id));
        Assert.Equal(1, carolsRoomOnB.UnreadMentionCount);
    }

    [Fact]
    public async Task A_thread_marked_read_on_one_node_reads_so_on_the_other()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeB, "bob");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await bob.JoinAsync(cluster.NodeB, room.Id);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob, HubProtocol.Json);
        var root = await aliceOnA.SendTextAsync(room.Id, "notes");
        var first = await bobOnB.SendThreadReplyAsync(room.Id, root.MessageId, "one");
        await bobOnB.SendThreadReplyAsync(room.Id, root.MessageId, "two");

        await aliceOnA.MarkThreadReadAsync(room.Id, root.MessageId, first.Seq);
        using var aliceHttpOnB = cluster.NodeB.Http(alice.Token);
        var threads = await aliceHttpOnB.ThreadsAsync(room.Id);

        var thread = Assert.Single(threads);
        Assert.Equal((root.MessageId, first.Seq, 1), (thread.Root.Id, thread.LastReadSeq, thread.UnreadCount));
    }
}
