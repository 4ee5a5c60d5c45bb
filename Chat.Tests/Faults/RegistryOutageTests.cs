using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Faults;

/// <summary>
/// A node whose Redis hangs keeps taking connections, and once Redis answers again the cluster
/// registry holds exactly the node's open connections: none that closed meanwhile is left behind
/// to use up the user's connection slots or keep them online, and a connection that opened
/// meanwhile is closed to reconnect with its room subscriptions whole.
/// </summary>
public sealed class RegistryOutageTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["RateLimits:ConnectionsPerUser"] = "1",
        ["Cluster:HeartbeatSeconds"] = "1",
        ["Cluster:NodeTimeoutSeconds"] = "60",
    };

    [Fact]
    public async Task A_connection_closed_while_redis_hangs_leaves_no_ghost_and_one_opened_meanwhile_is_listed_afterwards()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            // Commands give up after a second instead of five, so the test waits less for them.
            await using var node = ChatNode.Start(database, $"{redis.Configuration},asyncTimeout=1000,syncTimeout=1000", Settings);
            var (alice, bob, room) = await TestRooms.OfTwoAsync(node);
            var aliceHub = await HubClient.ConnectAsync(node, alice);

            await redis.PauseAsync();
            await aliceHub.DisposeAsync();
            // Bob connects while the registry cannot hear of it: the node takes him all the same
            // (on a loaded machine an attempt may time out, and a client tries again).
            HubClient? connected = null;
            await Poll.UntilAsync(
                async () => (connected = await TryConnectAsync(node, bob)) is not null,
                TimeSpan.FromSeconds(60),
                "Bob connects while Redis hangs");
            await using var bobHub = connected!;
            // Long enough for the node's writes to the registry to give up.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await redis.ResumeAsync();

            // With a ghost entry left behind, Alice's one slot would stay taken for good.
            await Poll.UntilAsync(() => ConnectsAsync(node, alice), TimeSpan.FromSeconds(30), "Alice may connect again");
            // Bob's connection could not be subscribed to his rooms meanwhile: it is closed, for his
            // client to reconnect whole (and Sync).
            await Poll.UntilAsync(
                () => Task.FromResult(bobHub.Connection.State == HubConnectionState.Disconnected),
                TimeSpan.FromSeconds(30),
                "Bob's connection from the outage is closed");
            await using var bobAgain = await HubClient.ConnectAsync(node, bob);
            await using var aliceAgain = await HubClient.ConnectAsync(node, alice);
            var secondOfAlice = await ConnectsAsync(node, alice);
            await aliceAgain.SendTextAsync(room.Id, "back");

            Assert.False(secondOfAlice);
            Assert.Equal("back", (await bobAgain.NextMessageAsync(MessageType.Text, TimeSpan.FromSeconds(10))).Content);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    private static async Task<HubClient?> TryConnectAsync(ChatNode node, TestUser user)
    {
        try
        {
            return await HubClient.ConnectAsync(node, user);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static async Task<bool> ConnectsAsync(ChatNode node, TestUser user)
    {
        try
        {
            await using var hub = await HubClient.ConnectAsync(node, user);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
