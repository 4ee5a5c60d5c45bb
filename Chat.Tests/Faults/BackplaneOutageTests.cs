using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Faults;

/// <summary>
/// Two nodes on a Redis of the test's own, which the test kills and starts again: sends are
/// still stored and acked while it is away, and once it is back every connection is told to
/// Sync and gets what it missed.
/// </summary>
public sealed class BackplaneOutageTests
{
    [Fact]
    public async Task A_send_during_a_redis_outage_is_acked_and_members_on_both_nodes_are_told_to_sync_once_it_is_back()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var nodeA = ChatNode.Start(database, redis.Configuration);
            await using var nodeB = ChatNode.Start(database, redis.Configuration);
            var (alice, bob, room) = await TestRooms.OfTwoAsync(nodeA);
            await using var aliceOnA = await HubClient.ConnectAsync(nodeA, alice);
            await using var bobOnB = await HubClient.ConnectAsync(nodeB, bob);
            var before = await aliceOnA.SendTextAsync(room.Id, "before the outage");
            Assert.Equal(before.MessageId, (await bobOnB.NextMessageAsync()).Id);

            await redis.StopAsync();
            var during = await aliceOnA.SendTextAsync(room.Id, "during the outage");
            await redis.StartAgainAsync();

            var bobTold = await bobOnB.NextResyncAsync(TimeSpan.FromSeconds(30));
            var aliceTold = await aliceOnA.NextResyncAsync(TimeSpan.FromSeconds(30));
            var caughtUp = await bobOnB.SyncAsync(room.Id, before.Seq);

            Assert.False(during.Duplicate);
            Assert.Null(bobTold.RoomIds);
            Assert.Null(aliceTold.RoomIds);
            Assert.Equal([during.MessageId], caughtUp.Rooms.Single().Messages.Select(m => m.Id));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
