using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Faults;

/// <summary>
/// A send whose node dies after storing the message but before acking it: the client cannot
/// know the outcome, sends it again with the same clientMessageId once a node is back, and the
/// message is stored once.
/// </summary>
public sealed class UnknownOutcomeTests
{
    [Fact]
    public async Task A_send_whose_node_dies_between_storing_and_acking_is_sent_again_and_stored_once()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        var node = await ChatNodeProcess.StartAsync(database, redis.Configuration);
        try
        {
            var alice = await TestUser.RegisterAsync(node.Address, "alice");
            var room = await ClientFactory.Rest(node.Address, alice.Token).CreateRoomAsync(new CreateRoomRequest("durable", null, false, null));
            var options = ClientFactory.Options(node.Address, alice.Token);
            options.SendRetryWindow = TimeSpan.FromMinutes(2);
            await using var client = new ChatClient(options);
            await client.StartAsync();
            await client.JoinRoomAsync(room.Id);
            var clientMessageId = Guid.NewGuid();

            // Redis hangs rather than goes away: the node stores the message, then waits on Redis
            // to deliver it, and dies while it waits.
            await redis.PauseAsync();
            var sending = client.SendTextAsync(room.Id, "stored, then the node died", clientMessageId);
            await Poll.UntilAsync(async () => await StoredCopiesAsync(database, clientMessageId) == 1, TimeSpan.FromSeconds(30), "the message is stored");
            await node.KillAsync();
            await redis.ResumeAsync();
            await node.DisposeAsync();
            node = await ChatNodeProcess.StartAsync(database, redis.Configuration, address: node.Address);

            var ack = await sending;

            Assert.True(ack.Duplicate);
            Assert.Equal(1, await StoredCopiesAsync(database, clientMessageId));
            var history = await client.GetHistoryAsync(room.Id);
            Assert.Equal(ack.MessageId, Assert.Single(history, m => m.Content == "stored, then the node died").Id);
        }
        finally
        {
            await node.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }

    private static async Task<long> StoredCopiesAsync(string database, Guid clientMessageId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from messages where client_message_id = $1", connection);
        command.Parameters.AddWithValue(clientMessageId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
