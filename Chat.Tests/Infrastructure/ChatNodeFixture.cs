namespace Chat.Tests.Infrastructure;

/// <summary>A fresh database and one node on it, shared by the tests of one class.</summary>
public sealed class ChatNodeFixture : IAsyncLifetime
{
    private string connectionString = "";

    public ChatNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        Node = ChatNode.Start(connectionString);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}
