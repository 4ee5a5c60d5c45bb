using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A fresh database and one node whose invitations may live just one second, so a test watches
/// one expire with real time, and whose retention runs every second deleting two messages per
/// statement, so a short history already takes several batches; the database is reachable for arranging rows no endpoint makes.
/// </summary>
public sealed class RoomsNodeFixture : IAsyncLifetime
{
    private string connectionString = "";

    public ChatNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        Node = ChatNode.Start(connectionString, extra: new Dictionary<string, string?>
        {
            ["Invitations:MinExpirySeconds"] = "1",
            ["Retention:BatchSize"] = "2",
            ["Retention:IntervalSeconds"] = "1",
        });
    }

    /// <summary>Runs one SQL statement against the node's database.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one SQL query that answers a single value.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}
