using Chat.Hubs.Receipts;
using Chat.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Cluster;

public sealed class ReceiptClusterTests
{
    [Fact]
    public async Task Two_nodes_holding_pointers_for_one_member_never_move_the_stored_pointer_back()
    {
        var connectionString = await TestServers.CreateDatabaseAsync();
        try
        {
            // Flushes only at stop, so both nodes hold their pointers at once and the order of
            // the writes is the test's: the higher one first, then the stale one.
            var slowFlush = new Dictionary<string, string?> { ["Receipts:FlushIntervalMilliseconds"] = "60000" };
            var nodeA = ChatNode.Start(connectionString, extra: slowFlush);
            var nodeB = ChatNode.Start(connectionString, extra: slowFlush);
            TestUser bob;
            Guid roomId;
            long lastSeq;
            try
            {
                var alice = await TestUser.RegisterAsync(nodeA, "alice");
                bob = await TestUser.RegisterAsync(nodeA, "bob");
                roomId = (await alice.CreateRoomAsync(nodeA)).Id;
                await using var aliceOnA = await HubClient.ConnectAsync(nodeA, alice);
                await using var bobOnA = await HubClient.ConnectAsync(nodeA, bob);
                await using var bobOnB = await HubClient.ConnectAsync(nodeB, bob, HubProtocol.Json);
                await bobOnA.JoinRoomAsync(roomId);
                for (var i = 0; i < 4; i++)
                {
                    await aliceOnA.SendTextAsync(roomId, $"message {i}");
                }

                lastSeq = (await aliceOnA.SendTextAsync(roomId, "last")).Seq;
                await bobOnA.MarkReadAsync(roomId, lastSeq);
                await bobOnB.MarkReadAsync(roomId, lastSeq - 2);

                Assert.Equal(1, nodeA.Services.GetRequiredService<ReceiptBuffer>().PendingCount);
                Assert.Equal(1, nodeB.Services.GetRequiredService<ReceiptBuffer>().PendingCount);
            }
            finally
            {
                await nodeA.DisposeAsync();
                await nodeB.DisposeAsync();
            }

            await using var connection = new NpgsqlConnection(connectionString);
            var stored = await connection.QuerySingleAsync<(long Delivered, long Read)>(
                "select delivered_seq, read_seq from room_members where room_id = @RoomId and user_id = @UserId",
                new { RoomId = roomId, UserId = bob.Id });
            Assert.Equal((lastSeq, lastSeq), stored);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(connectionString);
        }
    }
}
