using System.Net;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Broadcasting;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Faults;

/// <summary>
/// A group change that never arrived (a kick issued on one node while Redis was away, a join
/// whose change was lost) is put right by each node's reconciliation of its connections' room
/// groups with the memberships in the database.
/// </summary>
public sealed class GroupReconcilerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_connection_left_in_a_room_it_does_not_belong_to_stops_hearing_it_and_one_missing_from_its_room_hears_it_again()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var node = ChatNode.Start(database, TestServers.Redis, new Dictionary<string, string?>
            {
                ["Cluster:GroupReconcileSeconds"] = "1",
            });
            var (alice, bob, room) = await TestRooms.OfTwoAsync(node);
            var mallory = await TestUser.RegisterAsync(node, "mallory");
            await using var aliceHub = await HubClient.ConnectAsync(node, alice);
            await using var bobHub = await HubClient.ConnectAsync(node, bob);
            await using var malloryHub = await HubClient.ConnectAsync(node, mallory);

            // What lost group changes leave behind: Mallory, never a member, in the room's group;
            // Bob, a member, out of it.
            var groups = node.Services.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Groups;
            await groups.AddToGroupAsync(malloryHub.Connection.ConnectionId!, RoomGroup.Name(room.Id));
            await groups.RemoveFromGroupAsync(bobHub.Connection.ConnectionId!, RoomGroup.Name(room.Id));

            await Poll.UntilAsync(
                async () =>
                {
                    var probe = await aliceHub.SendTextAsync(room.Id, "probe");
                    await bobHub.FlushAsync();
                    return bobHub.DrainMessages().Any(m => m.Id == probe.MessageId);
                },
                Deadline,
                "Bob hears the room again");
            var after = await aliceHub.SendTextAsync(room.Id, "after reconciliation");
            await bobHub.NextMessageAsync(MessageType.Text);
            await malloryHub.FlushAsync();

            Assert.DoesNotContain(malloryHub.DrainMessages(), m => m.Id == after.MessageId);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_kick_issued_on_one_node_while_redis_hangs_holds_on_the_other_once_redis_answers_again()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            // Only the reconciliation that follows Redis's return can take Bob out here.
            var settings = new Dictionary<string, string?> { ["Cluster:GroupReconcileSeconds"] = "3600" };
            var configuration = $"{redis.Configuration},asyncTimeout=1000,syncTimeout=1000";
            await using var nodeA = ChatNode.Start(database, configuration, settings);
            await using var nodeB = ChatNode.Start(database, configuration, settings);
            var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(nodeA);
            await using var aliceOnA = await HubClient.ConnectAsync(nodeA, alice);
            await using var bobOnB = await HubClient.ConnectAsync(nodeB, bob);
            await using var carolOnB = await HubClient.ConnectAsync(nodeB, carol);

            await redis.PauseAsync();
            // Node A cannot reach node B: the kick is stored, its group change never arrives.
            using var aliceHttp = nodeA.Http(alice.Token);
            await aliceHttp.KickAsync(room.Id, bob.Id, "spam").ExpectAsync(HttpStatusCode.NoContent);
            // The room goes on talking on node B meanwhile; this node finds Redis gone too.
            await carolOnB.SendTextAsync(room.Id, "anyone there?");
            await redis.ResumeAsync();

            // A probe Carol hears has been handled by node B; Bob must stop hearing them. (Until
            // node A finds Redis back, its probes are dropped and Carol hears them through Sync.)
            await Poll.UntilAsync(
                async () =>
                {
                    var probe = await aliceOnA.SendTextAsync(room.Id, "probe");
                    if (!await HearsAsync(carolOnB, probe.MessageId))
                    {
                        return false;
                    }

                    await bobOnB.FlushAsync();
                    return !bobOnB.DrainMessages().Any(m => m.Id == probe.MessageId);
                },
                Deadline,
                "Bob, kicked, stops hearing the room");
            var refused = await Assert.ThrowsAsync<HubException>(() => bobOnB.SendTextAsync(room.Id, "still here?"));

            Assert.StartsWith("forbidden:", refused.Message);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    private static async Task<bool> HearsAsync(HubClient client, Guid messageId)
    {
        try
        {
            while ((await client.NextMessageAsync(TimeSpan.FromSeconds(3))).Id != messageId)
            {
            }

            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
