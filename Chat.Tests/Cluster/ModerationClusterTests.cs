using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Cluster;

public sealed class ModerationClusterTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    [Fact]
    public async Task A_user_kicked_on_one_node_misses_the_very_next_message_on_the_other_node()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeA, "bob");
        var carol = await TestUser.RegisterAsync(cluster.NodeA, "carol");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);
        await bobOnB.JoinRoomAsync(room.Id);
        await carolOnB.JoinRoomAsync(room.Id);
        await aliceOnA.NextJoinAsync();
        await aliceOnA.NextJoinAsync();

        using var aliceHttp = cluster.NodeA.Http(alice.Token);
        await aliceHttp.KickAsync(room.Id, bob.Id, "spam").ExpectAsync(HttpStatusCode.NoContent);
        bobOnB.DrainMessages();
        var sent = await aliceOnA.SendTextAsync(room.Id, "after the kick");

        // Carol, on Bob's node, hearing the message means that node has handled it; a round trip
        // on Bob's connection then flushes anything already on the way to him.
        var leave = await carolOnB.NextMessageAsync(MessageType.Leave);
        Assert.Equal(sent.MessageId, (await carolOnB.NextMessageAsync(MessageType.Text)).Id);
        await bobOnB.FlushAsync();
        Assert.DoesNotContain(bobOnB.DrainMessages(), m => m.Type == MessageType.Text);
        var removal = await bobOnB.NextRemovalAsync();
        Assert.Equal(new RemovedFromRoomEvent(room.Id, RemovalReason.Kicked, alice.Id), removal);
        Assert.Equal(bob.Id, (await aliceOnA.NextLeaveAsync()).UserId);
        Assert.Equal(bob.Id, leave.SenderId);
        Assert.EndsWith("was removed", leave.Content);
        var refused = await Assert.ThrowsAsync<HubException>(() => bobOnB.SendTextAsync(room.Id, "am I still here?"));
        Assert.StartsWith("forbidden:", refused.Message);
    }
}
