using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A fresh database and <paramref name="nodes"/> nodes on it, shared by the tests of one class,
/// linked by the test Redis when <paramref name="linkedByRedis"/>. The class fixtures below differ
/// only in the settings their nodes start with; each is a type of its own because xunit shares a
/// class fixture by its type.
/// </summary>
public class NodeFixture(IDictionary<string, string?>? settings = null, int nodes = 1, bool linkedByRedis = false) : IAsyncLifetime
{
    private readonly List<ChatNode> started = [];
    private string connectionString = "";

    /// <summary>The (first) node.</summary>
    public ChatNode Node => started[0];

    protected IReadOnlyList<ChatNode> Nodes => started;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        for (var i = 0; i < nodes; i++)
        {
            started.Add(ChatNode.Start(connectionString, linkedByRedis ? TestServers.Redis : null, settings));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in started)
        {
            await node.DisposeAsync();
        }

        await TestServers.DropDatabaseAsync(connectionString);
    }

    /// <summary>Runs one SQL statement against the database, to arrange rows no endpoint makes.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one SQL query that answers a single value.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private NpgsqlCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = Node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

/// <summary>One node with the settings of a laptop run.</summary>
public sealed class ChatNodeFixture() : NodeFixture();

/// <summary>
/// One node whose invitations may live just one second, so a test watches one expire with real
/// time, and whose retention runs every second deleting two messages per statement, so a short
/// history already takes several batches.
/// </summary>
public sealed class RoomsNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["Invitations:MinExpirySeconds"] = "1",
    ["Retention:BatchSize"] = "2",
    ["Retention:IntervalSeconds"] = "1",
});

/// <summary>
/// One node with small abuse limits: 30 messages per minute (a token every 2 s, so 30 quick sends
/// all fit before one comes back) and 3 connections per user.
/// </summary>
public sealed class LimitsNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["RateLimits:MessagesPerWindow"] = MessagesPerWindow.ToString(CultureInfo.InvariantCulture),
    ["RateLimits:WindowMilliseconds"] = "60000",
    ["RateLimits:ConnectionsPerUser"] = ConnectionsPerUser.ToString(CultureInfo.InvariantCulture),
})
{
    public const int MessagesPerWindow = 30;
    public const int ConnectionsPerUser = 3;
}

/// <summary>
/// One node whose attachment limit is 1 MiB: small enough that a test exceeds it cheaply, large
/// enough that a download spans several chunks.
/// </summary>
public sealed class AttachmentNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["Chat:MaxAttachmentBytes"] = MaxAttachmentBytes.ToString(CultureInfo.InvariantCulture),
})
{
    public const long MaxAttachmentBytes = 1024 * 1024;
}

/// <summary>Two nodes on one database, with or without a Redis backplane between them.</summary>
public abstract class TwoNodeFixture(bool linkedByRedis) : NodeFixture(nodes: 2, linkedByRedis: linkedByRedis)
{
    public ChatNode NodeA => Nodes[0];

    public ChatNode NodeB => Nodes[1];
}

/// <summary>Two nodes that share the test Redis as their backplane.</summary>
public sealed class ChatClusterFixture() : TwoNodeFixture(linkedByRedis: true);

/// <summary>Two nodes with no backplane: each works alone.</summary>
public sealed class UnlinkedNodesFixture() : TwoNodeFixture(linkedByRedis: false);
