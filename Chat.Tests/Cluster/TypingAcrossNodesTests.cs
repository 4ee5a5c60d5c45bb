using Chat.Tests.Infrastructure;

namespace Chat.Tests.Cluster;

public sealed class TypingAcrossNodesTests(FakeClockClusterFixture cluster) : IClassFixture<FakeClockClusterFixture>
{
    [Fact]
    public async Task A_typist_on_one_node_appears_and_expires_for_a_member_on_the_other_node()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeA, "bob");
        var carol = await TestUser.RegisterAsync(cluster.NodeB, "carol");
        var room = await alice.CreateRoomAsync(cluster.NodeB);
        await using var aliceOnB = await HubClient.ConnectAsync(cluster.NodeB, alice);
        await using var bobOnA = await HubClient.ConnectAsync(cluster.NodeA, bob);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);
        await bobOnA.JoinRoomAsync(room.Id);
        await aliceOnB.NextJoinAsync();

        await bobOnA.StartTypingAsync(room.Id);
        var lastEvent = cluster.Clock.GetUtcNow();
        var shown = await aliceOnB.NextTypingAsync();
        cluster.Clock.Advance(TimeSpan.FromSeconds(2.5));
        var snapshotOnB = await carolOnB.JoinRoomAsync(room.Id);
        var expired = await cluster.Clock.AdvanceUntilAsync(() => aliceOnB.NextTypingAsync(FakeClock.StepWait));
        var expiredAfter = cluster.Clock.GetUtcNow() - lastEvent;

        Assert.Equal([bob.Id], shown.UserIds);
        Assert.Equal([bob.Id], snapshotOnB.TypingUserIds);
        Assert.Equal(room.Id, expired.RoomId);
        Assert.Empty(expired.UserIds);
        Assert.InRange(expiredAfter, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        // Both nodes run expiry, yet the room hears it once; Bob's connection on the other node
        // is his too, so it hears none of it.
        await Task.WhenAll(aliceOnB.FlushAsync(), bobOnB.FlushAsync());
        Assert.Empty(aliceOnB.DrainTyping());
        Assert.Empty(bobOnB.DrainTyping());
    }
}
