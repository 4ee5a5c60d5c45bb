using System.Security.Cryptography;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>
/// With a schema owner of its own (<c>ConnectionStrings:ChatOwner</c>), the node migrates as the
/// owner and then runs as a role that reads and writes the tables and can change nothing else.
/// </summary>
public sealed class DatabaseRoleTests
{
    [Fact]
    public async Task The_node_runs_as_a_role_the_owner_made_that_reads_and_writes_but_cannot_change_the_schema()
    {
        var owner = await TestServers.CreateDatabaseAsync();
        var role = $"chat_app_{Guid.NewGuid():N}"[..24];
        var app = new NpgsqlConnectionStringBuilder(owner) { Username = role, Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)) }.ConnectionString;
        try
        {
            await using (var node = ChatNode.Start(app, extra: new Dictionary<string, string?> { ["ConnectionStrings:ChatOwner"] = owner }))
            {
                // The whole path of a message works as the role: accounts, a room, a send, a delivery.
                var (alice, bob, room) = await TestRooms.OfTwoAsync(node);
                await using var aliceHub = await HubClient.ConnectAsync(node, alice);
                await using var bobHub = await HubClient.ConnectAsync(node, bob);
                var sent = await aliceHub.SendTextAsync(room.Id, "as the application role");
                Assert.Equal(sent.MessageId, (await bobHub.NextMessageAsync(MessageType.Text)).Id);
            }

            await using var asRole = new NpgsqlConnection(app);
            await asRole.OpenAsync();
            await using (var count = new NpgsqlCommand("select count(*) from messages where content = 'as the application role'", asRole))
            {
                Assert.Equal(1L, await count.ExecuteScalarAsync());
            }

            foreach (var change in new[] { "drop table messages", "alter table users add column spy text", "create table spy (x int)", "truncate activity" })
            {
                await using var command = new NpgsqlCommand(change, asRole);
                var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }

            await using var attributes = new NpgsqlCommand("select rolsuper or rolcreaterole or rolcreatedb from pg_roles where rolname = $1", asRole);
            attributes.Parameters.AddWithValue(role);
            Assert.Equal(false, await attributes.ExecuteScalarAsync());
        }
        finally
        {
            await TestServers.DropDatabaseAsync(owner);
            await using var admin = new NpgsqlConnection(TestServers.Postgres);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop role if exists {role}", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
