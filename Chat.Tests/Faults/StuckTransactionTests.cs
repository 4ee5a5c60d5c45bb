using Chat.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Faults;

/// <summary>
/// A node frozen in the middle of a transaction (here: a transaction of the node's own data source
/// that locks a room and then waits) does not hold up the room's sends for longer than PostgreSQL's
/// idle-in-transaction timeout: PostgreSQL ends that session and the sends go through.
/// </summary>
public sealed class StuckTransactionTests
{
    [Fact]
    public async Task A_transaction_left_open_on_a_locked_room_is_ended_and_the_rooms_sends_go_through()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var node = ChatNode.Start(database);
            var (alice, bob, room) = await TestRooms.OfTwoAsync(node);
            await using var aliceHub = await HubClient.ConnectAsync(node, alice);
            await using var bobHub = await HubClient.ConnectAsync(node, bob);

            // What a node frozen between two statements of a batch leaves behind: the room's row
            // locked by a session that says nothing more.
            var dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
            await using var frozen = await dataSource.OpenConnectionAsync();
            await using var transaction = await frozen.BeginTransactionAsync();
            await frozen.ExecuteAsync("select 1 from rooms where id = @Id for update", new { room.Id }, transaction);

            var sent = await SendUntilAckedAsync(aliceHub, room.Id, TimeSpan.FromSeconds(30));
            var heard = await bobHub.NextMessageAsync(TimeSpan.FromSeconds(10));
            var ended = await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync());

            Assert.Equal(sent, heard.Id);
            Assert.True(ended is NpgsqlException or InvalidOperationException, ended.ToString());
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    /// <summary>Sends one message as a client does: again with the same id while the answer is <c>unavailable</c>.</summary>
    private static async Task<Guid> SendUntilAckedAsync(HubClient client, Guid roomId, TimeSpan deadline)
    {
        var clientMessageId = Guid.NewGuid();
        var giveUp = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                return (await client.SendTextAsync(roomId, "behind a frozen transaction", clientMessageId)).MessageId;
            }
            catch (Microsoft.AspNetCore.SignalR.HubException e) when (e.Message.StartsWith("unavailable:", StringComparison.Ordinal) && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(200);
            }
        }
    }
}
