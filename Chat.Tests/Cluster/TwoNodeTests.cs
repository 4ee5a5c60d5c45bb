using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Cluster;

public sealed class TwoNodeTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    [Fact]
    public async Task A_member_on_one_node_receives_what_a_member_on_the_other_node_sends()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeB, "bob");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice, HubProtocol.MessagePack);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob, HubProtocol.Json);

        await bobOnB.JoinRoomAsync(room.Id);
        var joined = await aliceOnA.NextJoinAsync();
        var fromB = await bobOnB.SendTextAsync(room.Id, "hello from B");
        var fromA = await aliceOnA.SendTextAsync(room.Id, "hello from A");

        Assert.Equal(bob.Id, joined.User.Id);
        Assert.Equal(fromB.MessageId, (await aliceOnA.NextMessageAsync(MessageType.Text)).Id);
        var atB = await bobOnB.NextMessageAsync(MessageType.Text);
        Assert.Equal(fromA.MessageId, atB.Id);
        Assert.Equal("hello from A", atB.Content);
        Assert.Equal(fromA.Seq, fromB.Seq + 1);
    }

    [Fact]
    public async Task Joining_over_rest_on_one_node_brings_the_users_connection_on_the_other_node_into_the_room()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeA, "bob");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await using var bobOnA = await HubClient.ConnectAsync(cluster.NodeA, bob);
        await using var aliceOnB = await HubClient.ConnectAsync(cluster.NodeB, alice);

        using var http = cluster.NodeB.Http(bob.Token);
        var member = await http.JoinAsync(room.Id).ReadAsync<MemberDto>();
        Assert.Equal(RoomRole.Member, member.Role);

        // Bob's connection on A heard his own join, so it is in the room's group now.
        Assert.Equal(bob.Id, (await bobOnA.NextJoinAsync()).User.Id);
        var sent = await aliceOnB.SendTextAsync(room.Id, "welcome, bob");
        Assert.Equal(sent.MessageId, (await bobOnA.NextMessageAsync(MessageType.Text)).Id);
    }

    [Fact]
    public async Task Leaving_over_rest_on_one_node_takes_the_users_connection_on_the_other_node_out()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeA, "bob");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await using var bobOnA = await HubClient.ConnectAsync(cluster.NodeA, bob);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await bobOnA.JoinRoomAsync(room.Id);
        await aliceOnA.NextJoinAsync();

        using var http = cluster.NodeB.Http(bob.Token);
        await http.LeaveAsync(room.Id).ExpectAsync(System.Net.HttpStatusCode.NoContent);
        Assert.Equal(bob.Id, (await aliceOnA.NextLeaveAsync()).UserId);

        bobOnA.DrainMessages();
        await aliceOnA.SendTextAsync(room.Id, "bob is gone");
        var marker = await aliceOnA.SendTextAsync(room.Id, "still gone");
        // Alice's connection got nothing of its own sends; Bob's must not have them either. A
        // round trip on Bob's connection flushes anything already on the way to it.
        await bobOnA.FlushAsync();
        Assert.DoesNotContain(bobOnA.DrainMessages(), m => m.Type == MessageType.Text);
        // After bob's join (1), his leave (2) and alice's first send (3).
        Assert.Equal(4, marker.Seq);
    }
}

public sealed class UnlinkedNodeTests(UnlinkedNodesFixture nodes) : IClassFixture<UnlinkedNodesFixture>
{
    [Fact]
    public async Task Without_redis_each_node_delivers_to_its_own_connections_and_sync_fills_the_rest()
    {
        var alice = await TestUser.RegisterAsync(nodes.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(nodes.NodeA, "bob");
        var carol = await TestUser.RegisterAsync(nodes.NodeB, "carol");
        var room = await alice.CreateRoomAsync(nodes.NodeA);
        await using var aliceOnA = await HubClient.ConnectAsync(nodes.NodeA, alice);
        await using var bobOnA = await HubClient.ConnectAsync(nodes.NodeA, bob);
        await using var carolOnB = await HubClient.ConnectAsync(nodes.NodeB, carol);
        await bobOnA.JoinRoomAsync(room.Id);
        var carolJoin = await carolOnB.JoinRoomAsync(room.Id);

        var sent = await aliceOnA.SendTextAsync(room.Id, "node A only");

        Assert.Equal(sent.MessageId, (await bobOnA.NextMessageAsync(MessageType.Text)).Id);
        var sync = await carolOnB.SyncAsync(room.Id, carolJoin.LastSeq);
        Assert.Equal(sent.MessageId, Assert.Single(Assert.Single(sync.Rooms).Messages).Id);
        Assert.DoesNotContain(carolOnB.DrainMessages(), m => m.Id == sent.MessageId);
    }
}
