using System.Threading.Channels;
using Chat.Contracts;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Cluster;

/// <summary>
/// Large rooms (three members and up on these nodes): presence, joins and leaves reach only the
/// connections watching the room's member list, presence as one digest per interval, so a room
/// filling up or coming online costs its other members nothing.
/// </summary>
public sealed class LargeRoomPresenceTests(LargeRoomsClusterFixture cluster) : IClassFixture<LargeRoomsClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Presence_reaches_only_watchers_as_one_digest_per_node_with_each_users_latest_change()
    {
        var (alice, bob, carol, dave, room) = await LargeRoomAsync();
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await aliceOnA.WatchPresenceAsync(room.Id);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol, HubProtocol.Json);
        await using var daveOnA = await HubClient.ConnectAsync(cluster.NodeA, dave);
        // Bob comes and goes on node B, all before the next digest.
        var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob, HubProtocol.Json);
        // A round trip on each connection: the node has settled its presence by then.
        await Task.WhenAll(carolOnB.FlushAsync(), daveOnA.FlushAsync(), bobOnB.FlushAsync());
        await bobOnB.DisposeAsync();
        using var http = cluster.NodeA.Http(alice.Token);
        await Poll.UntilAsync(async () => (await http.ProfileAsync(bob.Id)).Status == PresenceStatus.Offline, Deadline, "bob is offline");

        await cluster.FlushDigestsAsync();

        // One digest from each node: A decided Alice and Dave, B decided Carol and Bob. Bob's
        // online and offline, within one interval, come as his latest only.
        var digests = new[] { await aliceOnA.NextDigestAsync(), await aliceOnA.NextDigestAsync() };
        Assert.All(digests, d => Assert.Equal(room.Id, d.RoomId));
        var changes = digests.SelectMany(d => d.Changes).ToList();
        Assert.Equal(
            [(alice.Id, PresenceStatus.Online), (bob.Id, PresenceStatus.Offline), (carol.Id, PresenceStatus.Online), (dave.Id, PresenceStatus.Online)],
            changes.Select(c => (c.UserId, c.Status)).OrderBy(c => c.UserId == alice.Id ? 0 : c.UserId == bob.Id ? 1 : c.UserId == carol.Id ? 2 : 3));
        Assert.NotNull(changes.Single(c => c.UserId == bob.Id).LastSeenAt);
        Assert.Contains(digests, d => d.Changes.Select(c => c.UserId).Order().SequenceEqual(new[] { alice.Id, dave.Id }.Order()));
        await aliceOnA.FlushAsync();
        Assert.Empty(aliceOnA.DrainDigests());
        Assert.DoesNotContain(aliceOnA.DrainPresence(), p => p.UserId == bob.Id || p.UserId == carol.Id || p.UserId == dave.Id);

        // Carol shows no member list: she hears none of it.
        await carolOnB.FlushAsync();
        Assert.Empty(carolOnB.DrainDigests());
        Assert.DoesNotContain(carolOnB.DrainPresence(), p => p.UserId == bob.Id || p.UserId == dave.Id);
    }

    [Fact]
    public async Task Joins_and_leaves_reach_only_watchers_and_a_member_who_left_stops_hearing_the_rooms_presence()
    {
        var (alice, bob, carol, _, room) = await LargeRoomAsync();
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice, HubProtocol.Json);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await aliceOnA.WatchPresenceAsync(room.Id);
        await bobOnB.WatchPresenceAsync(room.Id);

        var erin = await TestUser.RegisterAsync(cluster.NodeB, "erin");
        await erin.JoinAsync(cluster.NodeB, room.Id);

        Assert.Equal(erin.Id, (await aliceOnA.NextJoinAsync()).User.Id);
        Assert.Equal(erin.Id, (await bobOnB.NextJoinAsync()).User.Id);
        // Carol still gets the room's join message with the rest of its messages, but no member list event.
        Assert.Equal(MessageType.Join, (await carolOnB.NextMessageAsync(MessageType.Join)).Type);
        Assert.Empty(carolOnB.DrainJoins());

        await bobOnB.LeaveRoomAsync(room.Id);
        Assert.Equal(bob.Id, (await aliceOnA.NextLeaveAsync()).UserId);
        await carolOnB.FlushAsync();
        Assert.Empty(carolOnB.DrainLeaves());

        await using var erinOnA = await HubClient.ConnectAsync(cluster.NodeA, erin);
        // A round trip: the node has settled Erin's presence by then. The members who connected
        // above come in digests of their own nodes, possibly first.
        await erinOnA.FlushAsync();
        await cluster.FlushDigestsAsync();
        Assert.Contains((await NextDigestNamingAsync(aliceOnA, erin.Id)).Changes, c => c.UserId == erin.Id && c.Status == PresenceStatus.Online);
        await bobOnB.FlushAsync();
        Assert.Empty(bobOnB.DrainDigests());
    }

    [Fact]
    public async Task The_typed_client_hears_digests_of_the_room_it_watches_and_watches_again_on_a_new_connection()
    {
        var (alice, bob, carol, _, room) = await LargeRoomAsync();
        await using var client = await ClientFactory.ConnectAsync(cluster.NodeA.Address, alice);
        var digests = Channel.CreateUnbounded<PresenceDigestEvent>();
        client.PresenceDigest += d => digests.Writer.WriteAsync(d).AsTask();
        await client.WatchPresenceAsync(room.Id);

        // A new connection watches nothing until the client asks again, which it does by itself.
        await client.StopAsync();
        using var http = cluster.NodeA.Http(alice.Token);
        await Poll.UntilAsync(async () => (await http.ProfileAsync(alice.Id)).Status == PresenceStatus.Offline, Deadline, "alice is offline");
        await client.StartAsync();
        await client.SyncAsync(new SyncRequest([]));
        await cluster.FlushDigestsAsync();
        Assert.Contains((await digests.Reader.ReadAsync().AsTask().WaitAsync(Deadline)).Changes, c => c.UserId == alice.Id);

        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await bobOnB.WatchPresenceAsync(room.Id);
        await cluster.FlushDigestsAsync();
        var digest = await digests.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
        Assert.Equal(room.Id, digest.RoomId);
        Assert.Equal((bob.Id, PresenceStatus.Online), Assert.Single(digest.Changes.Select(c => (c.UserId, c.Status))));

        // No longer watching: Carol coming online reaches Bob, who watches, and not Alice.
        await client.WatchPresenceAsync(room.Id, watching: false);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);
        await carolOnB.FlushAsync();
        await cluster.FlushDigestsAsync();
        await NextDigestNamingAsync(bobOnB, carol.Id);
        await client.SyncAsync(new SyncRequest([]));
        Assert.False(digests.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_room_filled_by_many_joins_at_once_is_large_on_both_nodes_and_members_coming_online_cost_the_others_nothing()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        // Both nodes have counted the room while it was small.
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var aliceOnB = await HubClient.ConnectAsync(cluster.NodeB, alice);

        // Each join counts the room again while the joins before it are still being counted.
        var crowd = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var node = i % 2 == 0 ? cluster.NodeA : cluster.NodeB;
            var user = await TestUser.RegisterAsync(node, $"crowd{i}");
            await user.JoinAsync(node, room.Id);
            return (User: user, Node: node);
        }));

        var online = await Task.WhenAll(crowd.Select(member => HubClient.ConnectAsync(member.Node, member.User)));
        try
        {
            await Task.WhenAll(online.Select(hub => hub.FlushAsync()));
            await Task.WhenAll(aliceOnA.FlushAsync(), aliceOnB.FlushAsync());

            var crowdIds = crowd.Select(member => member.User.Id).ToHashSet();
            Assert.DoesNotContain(aliceOnA.DrainPresence(), p => crowdIds.Contains(p.UserId));
            Assert.DoesNotContain(aliceOnB.DrainPresence(), p => crowdIds.Contains(p.UserId));
        }
        finally
        {
            await Task.WhenAll(online.Select(hub => hub.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Watching_a_room_one_is_not_a_member_of_is_forbidden()
    {
        var (_, _, _, _, room) = await LargeRoomAsync();
        var mallory = await TestUser.RegisterAsync(cluster.NodeB, "mallory");
        await using var malloryOnB = await HubClient.ConnectAsync(cluster.NodeB, mallory);

        var error = await Assert.ThrowsAsync<HubException>(() => malloryOnB.WatchPresenceAsync(room.Id));

        Assert.StartsWith("forbidden:", error.Message);
    }

    /// <summary>The next digest that names <paramref name="userId"/>, skipping others.</summary>
    private static async Task<PresenceDigestEvent> NextDigestNamingAsync(HubClient hub, Guid userId)
    {
        while (true)
        {
            var digest = await hub.NextDigestAsync();
            if (digest.Changes.Any(c => c.UserId == userId))
            {
                return digest;
            }
        }
    }

    /// <summary>A room of four, one more than these nodes' large-room threshold.</summary>
    private async Task<(TestUser Alice, TestUser Bob, TestUser Carol, TestUser Dave, RoomDto Room)> LargeRoomAsync()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        var others = new List<TestUser>();
        foreach (var name in new[] { "bob", "carol", "dave" })
        {
            var user = await TestUser.RegisterAsync(cluster.NodeB, name);
            await user.JoinAsync(cluster.NodeB, room.Id);
            others.Add(user);
        }

        return (alice, others[0], others[1], others[2], room);
    }
}
