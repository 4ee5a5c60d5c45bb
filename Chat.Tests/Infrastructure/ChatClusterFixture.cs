namespace Chat.Tests.Infrastructure;

/// <summary>Two nodes on one fresh database that share the test Redis as their backplane.</summary>
public sealed class ChatClusterFixture : IAsyncLifetime
{
    private string connectionString = "";

    public ChatNode NodeA { get; private set; } = null!;

    public ChatNode NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        NodeA = ChatNode.Start(connectionString, TestServers.Redis);
        NodeB = ChatNode.Start(connectionString, TestServers.Redis);
    }

    public async Task DisposeAsync()
    {
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}

/// <summary>Two nodes on one fresh database with no backplane: each works alone.</summary>
public sealed class UnlinkedNodesFixture : IAsyncLifetime
{
    private string connectionString = "";

    public ChatNode NodeA { get; private set; } = null!;

    public ChatNode NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        NodeA = ChatNode.Start(connectionString);
        NodeB = ChatNode.Start(connectionString);
    }

    public async Task DisposeAsync()
    {
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}
