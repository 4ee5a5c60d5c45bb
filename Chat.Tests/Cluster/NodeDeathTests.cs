using Chat.Contracts;
using Chat.Hubs.Connections;
using Chat.Hubs.Presence;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Cluster;

/// <summary>Nodes that die, stop or are taken for dead, and what their users' presence becomes.</summary>
public sealed class NodeDeathTests
{
    // Short, so that a dead node is noticed within seconds rather than the default quarter minute.
    private static readonly Dictionary<string, string?> QuickCluster = new()
    {
        ["Cluster:HeartbeatSeconds"] = "1",
        ["Cluster:NodeTimeoutSeconds"] = "3",
        ["Cluster:SweepSeconds"] = "1",
    };

    [Fact]
    public async Task Users_of_a_killed_node_go_offline_for_everyone_once_its_heartbeat_expires()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var survivor = ChatNode.Start(database, TestServers.Redis, QuickCluster);
            await using var doomed = await ChatNodeProcess.StartAsync(database, TestServers.Redis, QuickCluster);
            var (alice, bob, room) = await TestRooms.OfTwoAsync(survivor);
            await using var aliceHub = await HubClient.ConnectAsync(survivor, alice);
            await using var bobHub = await HubClient.ConnectAsync(doomed.Address, bob);
            Assert.Equal(PresenceStatus.Online, (await aliceHub.NextPresenceAsync(bob.Id)).Status);

            await doomed.KillAsync();

            var offline = await aliceHub.NextPresenceAsync(bob.Id, TimeSpan.FromSeconds(20));
            Assert.Equal(PresenceStatus.Offline, offline.Status);
            Assert.NotNull(offline.LastSeenAt);
            using var http = survivor.Http(alice.Token);
            var profile = await http.ProfileAsync(bob.Id);
            Assert.Equal(PresenceStatus.Offline, profile.Status);
            Assert.Equal(offline.LastSeenAt, profile.LastSeenAt);
            Assert.Equal(PresenceStatus.Offline, (await http.MemberAsync(room.Id, bob.Id)).Status);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_node_that_stops_cleanly_makes_its_users_offline_without_waiting_for_a_sweep()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            // The default timeout: a sweep could not come before the deadline below.
            await using var survivor = ChatNode.Start(database, TestServers.Redis);
            var stopping = ChatNode.Start(database, TestServers.Redis);
            var (alice, bob, _) = await TestRooms.OfTwoAsync(survivor);
            await using var aliceHub = await HubClient.ConnectAsync(survivor, alice);
            await using var bobHub = await HubClient.ConnectAsync(stopping, bob);
            Assert.Equal(PresenceStatus.Online, (await aliceHub.NextPresenceAsync(bob.Id)).Status);
            var stoppingId = stopping.Services.GetRequiredService<ClusterConnections>().NodeId;

            await stopping.DisposeAsync();

            Assert.Equal(PresenceStatus.Offline, (await aliceHub.NextPresenceAsync(bob.Id, TimeSpan.FromSeconds(10))).Status);
            var registry = survivor.Services.GetRequiredService<ClusterConnections>();
            Assert.DoesNotContain(stoppingId, await registry.DeadNodesAsync());
            Assert.Empty(await registry.OfAsync(bob.Id));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_node_taken_for_dead_while_alive_brings_its_users_back_online()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var sweeping = ChatNode.Start(database, TestServers.Redis, QuickCluster);
            await using var paused = ChatNode.Start(database, TestServers.Redis, QuickCluster);
            var (alice, bob, _) = await TestRooms.OfTwoAsync(sweeping);
            await using var aliceHub = await HubClient.ConnectAsync(sweeping, alice);
            await using var bobHub = await HubClient.ConnectAsync(paused, bob);
            Assert.Equal(PresenceStatus.Online, (await aliceHub.NextPresenceAsync(bob.Id)).Status);

            // What a sweeper does to a node that missed its beats (a long pause, Redis out of its reach).
            var registry = sweeping.Services.GetRequiredService<ClusterConnections>();
            var presence = sweeping.Services.GetRequiredService<PresenceService>();
            var pausedId = paused.Services.GetRequiredService<ClusterConnections>().NodeId;
            foreach (var userId in await registry.DropConnectionsOfAsync(pausedId))
            {
                await presence.SettleAsync(userId);
            }

            await registry.ForgetNodeAsync(pausedId);
            Assert.Equal(PresenceStatus.Offline, (await aliceHub.NextPresenceAsync(bob.Id)).Status);

            // The paused node's next beat finds it unlisted and lists its connections again.
            Assert.Equal(PresenceStatus.Online, (await aliceHub.NextPresenceAsync(bob.Id)).Status);
            Assert.Single(await registry.OfAsync(bob.Id));
            using var http = sweeping.Http(alice.Token);
            Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(bob.Id)).Status);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_single_node_restarted_after_a_crash_shows_nobody_present()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            TestUser bob;
            await using (var first = ChatNode.Start(database))
            {
                bob = await TestUser.RegisterAsync(first, "bob");
            }

            // What a crash leaves behind: a user stored as present with no node to close his connection.
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var crash = new NpgsqlCommand("update users set status = 'dnd' where id = @id", connection);
                crash.Parameters.AddWithValue("id", bob.Id);
                Assert.Equal(1, await crash.ExecuteNonQueryAsync());
            }

            var restarted = DateTime.UtcNow.AddMilliseconds(-1);
            await using var second = ChatNode.Start(database);
            using var http = second.Http(bob.Token);
            var profile = await http.ProfileAsync(bob.Id);
            Assert.Equal(PresenceStatus.Offline, profile.Status);
            Assert.InRange(profile.LastSeenAt!.Value, restarted, DateTime.UtcNow);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
