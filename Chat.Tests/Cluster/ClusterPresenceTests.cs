using Chat.Contracts;
using Chat.Hubs.Connections;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Cluster;

public sealed class ClusterPresenceTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_user_connected_to_two_nodes_stays_online_until_his_connection_on_the_second_node_closes()
    {
        var (alice, bob, room) = await SharedRoomAsync();
        using var httpA = cluster.NodeA.Http(alice.Token);
        using var httpB = cluster.NodeB.Http(alice.Token);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnA = await HubClient.ConnectAsync(cluster.NodeA, bob);
        Assert.Equal(PresenceStatus.Online, (await aliceOnA.NextPresenceAsync(bob.Id)).Status);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob, HubProtocol.Json);

        await bobOnA.DisposeAsync();
        var registry = cluster.NodeB.Services.GetRequiredService<ClusterConnections>();
        await Poll.UntilAsync(async () => (await registry.OfAsync(bob.Id)).Count == 1, Deadline, "bob's connection on A leaves the registry");
        Assert.Equal(PresenceStatus.Online, (await httpA.ProfileAsync(bob.Id)).Status);
        Assert.Equal(PresenceStatus.Online, (await httpB.ProfileAsync(bob.Id)).Status);

        await bobOnB.DisposeAsync();
        var offline = await aliceOnA.NextPresenceAsync(bob.Id);
        Assert.Equal(PresenceStatus.Offline, offline.Status);
        Assert.NotNull(offline.LastSeenAt);
        foreach (var http in new[] { httpA, httpB })
        {
            var profile = await http.ProfileAsync(bob.Id);
            Assert.Equal(PresenceStatus.Offline, profile.Status);
            Assert.Equal(offline.LastSeenAt, profile.LastSeenAt);
            Assert.Equal(PresenceStatus.Offline, (await http.MemberAsync(room.Id, bob.Id)).Status);
        }
    }

    [Fact]
    public async Task Connections_opening_at_once_on_two_nodes_announce_online_once()
    {
        var (alice, bob, _) = await SharedRoomAsync();
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);

        var opened = await Task.WhenAll(HubClient.ConnectAsync(cluster.NodeA, bob), HubClient.ConnectAsync(cluster.NodeB, bob));
        await opened[0].DisposeAsync();
        await opened[1].DisposeAsync();

        // Each change is announced before the next one is decided, so by the time the offline
        // arrives every earlier announcement has arrived too.
        var heard = new List<PresenceStatus>();
        do
        {
            heard.Add((await aliceOnA.NextPresenceAsync(bob.Id)).Status);
        }
        while (heard[^1] != PresenceStatus.Offline);
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], heard);
    }

    [Fact]
    public async Task A_status_chosen_on_one_node_is_what_the_other_node_answers()
    {
        var (alice, bob, room) = await SharedRoomAsync();
        await using var aliceOnB = await HubClient.ConnectAsync(cluster.NodeB, alice);
        await using var bobOnA = await HubClient.ConnectAsync(cluster.NodeA, bob);
        Assert.Equal(PresenceStatus.Online, (await aliceOnB.NextPresenceAsync(bob.Id)).Status);

        await bobOnA.SetPresenceAsync("away");

        Assert.Equal(PresenceStatus.Away, (await aliceOnB.NextPresenceAsync(bob.Id)).Status);
        using var httpB = cluster.NodeB.Http(alice.Token);
        Assert.Equal(PresenceStatus.Away, (await httpB.ProfileAsync(bob.Id)).Status);
        Assert.Equal(PresenceStatus.Away, (await httpB.MemberAsync(room.Id, bob.Id)).Status);
    }

    private async Task<(TestUser Alice, TestUser Bob, RoomDto Room)> SharedRoomAsync()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeB, "bob");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await bob.JoinAsync(cluster.NodeB, room.Id);
        return (alice, bob, room);
    }
}
