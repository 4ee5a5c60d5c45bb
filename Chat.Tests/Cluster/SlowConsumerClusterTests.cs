using Chat.Bench.Load;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Cluster;

/// <summary>
/// A member whose client does not take its data, on two nodes linked by Redis: the members on
/// its node keep getting every message of the room promptly (SignalR's Redis backplane hands a
/// channel's messages to a node's connections one message after another, so one connection that
/// waits would hold up the rest), and its node cuts it off.
/// </summary>
public sealed class SlowConsumerClusterTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    private static readonly TimeSpan CutOffWithin = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(StuckKind.StopsReading)]
    [InlineData(StuckKind.NeverAcknowledges)]
    public async Task A_member_that_does_not_take_its_data_holds_up_no_one_on_its_node_and_is_cut_off(StuckKind kind)
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(cluster.NodeA);
        var dave = await TestUser.RegisterAsync(cluster.NodeA, "dave");
        var erin = await TestUser.RegisterAsync(cluster.NodeA, "erin");
        await dave.JoinAsync(cluster.NodeA, room.Id);
        await erin.JoinAsync(cluster.NodeA, room.Id);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var erinOnA = await HubClient.ConnectAsync(cluster.NodeA, erin);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol, HubProtocol.Json);
        var cutOffBefore = await PrometheusText.CounterAsync(cluster.NodeB, "chat_connections_cut_off");
        await using var daveOnB = await RawHubConnection.StuckInRoomAsync(cluster.NodeB.Address, dave.Token, room.Id, kind);

        await RoomFlood.SendAsync(aliceOnA, room.Id, ("bob on B", bobOnB), ("carol on B", carolOnB), ("erin on A", erinOnA));

        await Poll.UntilAsync(
            async () => await PrometheusText.CounterAsync(cluster.NodeB, "chat_connections_cut_off") > cutOffBefore,
            CutOffWithin,
            "node B counts dave's connection as cut off");
        // Presence lives in PostgreSQL and travels through Redis: alice on the other node hears it too.
        await SlowConsumerAssert.GoesOfflineAsync(aliceOnA, dave.Id, CutOffWithin);
        if (kind == StuckKind.NeverAcknowledges)
        {
            await daveOnB.WaitUntilClosedAsync(CutOffWithin);
            Assert.True(daveOnB.ClosedByServer);
        }
    }
}
