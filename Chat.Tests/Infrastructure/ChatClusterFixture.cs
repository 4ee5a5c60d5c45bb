namespace Chat.Tests.Infrastructure;

/// <summary>Two nodes on one fresh database, with or without a Redis backplane between them.</summary>
public abstract class TwoNodeFixture(bool linkedByRedis) : IAsyncLifetime
{
    private string connectionString = "";

    public ChatNode NodeA { get; private set; } = null!;

    public ChatNode NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        var redis = linkedByRedis ? TestServers.Redis : null;
        NodeA = ChatNode.Start(connectionString, redis);
        NodeB = ChatNode.Start(connectionString, redis);
    }

    public async Task DisposeAsync()
    {
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}

/// <summary>Two nodes that share the test Redis as their backplane.</summary>
public sealed class ChatClusterFixture() : TwoNodeFixture(linkedByRedis: true);

/// <summary>Two nodes with no backplane: each works alone.</summary>
public sealed class UnlinkedNodesFixture() : TwoNodeFixture(linkedByRedis: false);
