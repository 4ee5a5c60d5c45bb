using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Cluster;

/// <summary>Pins made on one node reach the room's members on both, over both hub protocols.</summary>
public sealed class PinClusterTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    [Fact]
    public async Task Pins_unpins_and_a_deleted_pin_reach_members_on_both_nodes_over_both_protocols()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeB, "bob");
        var carol = await TestUser.RegisterAsync(cluster.NodeA, "carol");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await bob.JoinAsync(cluster.NodeB, room.Id);
        await carol.JoinAsync(cluster.NodeA, room.Id);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice, HubProtocol.MessagePack);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob, HubProtocol.Json);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol, HubProtocol.MessagePack);
        await using var carolOnA = await HubClient.ConnectAsync(cluster.NodeA, carol, HubProtocol.Json);
        HubClient[] listeners = [aliceOnA, bobOnB, carolOnB, carolOnA];
        var sent = await bobOnB.SendTextAsync(room.Id, "pinned across the cluster");

        // Pinned over the hub on A.
        await aliceOnA.PinMessageAsync(room.Id, sent.MessageId);
        foreach (var listener in listeners)
        {
            var pin = await listener.NextPinAsync();
            Assert.Equal((room.Id, sent.MessageId, alice.Id), (pin.RoomId, pin.Message.Id, pin.PinnedBy));
            Assert.Equal(("pinned across the cluster", true), (pin.Message.Content, pin.Message.Pinned));
        }

        // Unpinned over REST on B.
        using var aliceOnBHttp = cluster.NodeB.Http(alice.Token);
        await aliceOnBHttp.UnpinAsync(room.Id, sent.MessageId).ExpectAsync(HttpStatusCode.NoContent);
        foreach (var listener in listeners)
        {
            Assert.Equal(new MessageUnpinnedEvent(room.Id, sent.MessageId, alice.Id), await listener.NextUnpinAsync());
        }

        // Pinned over REST on B again, then deleted by its sender on B: unpinned by the deleter.
        var pinned = await aliceOnBHttp.PinAsync(room.Id, sent.MessageId).ReadAsync<PinDto>();
        foreach (var listener in listeners)
        {
            Assert.Equal(pinned.PinnedAt, (await listener.NextPinAsync()).PinnedAt);
        }

        await bobOnB.DeleteMessageAsync(room.Id, sent.MessageId);
        foreach (var listener in listeners)
        {
            Assert.Equal(new MessageUnpinnedEvent(room.Id, sent.MessageId, bob.Id), await listener.NextUnpinAsync());
        }

        using var carolOnAHttp = cluster.NodeA.Http(carol.Token);
        Assert.Empty(await carolOnAHttp.PinsAsync(room.Id));
    }
}
