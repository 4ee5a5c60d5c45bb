namespace Chat.Tests.Infrastructure;

/// <summary>
/// A node on a database of its own, for a test that needs settings no class fixture has; both go
/// when it is disposed.
/// </summary>
public sealed class LoneNode : IAsyncDisposable
{
    private readonly string database;

    private LoneNode(string database, ChatNode node) => (this.database, Node) = (database, node);

    public ChatNode Node { get; }

    public static async Task<LoneNode> StartAsync(IDictionary<string, string?> settings)
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            return new LoneNode(database, ChatNode.Start(database, extra: settings));
        }
        catch
        {
            await TestServers.DropDatabaseAsync(database);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestServers.DropDatabaseAsync(database);
    }
}
