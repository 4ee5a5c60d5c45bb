namespace Chat.Tests.Infrastructure;

/// <summary>
/// A fresh database and one node with small abuse limits: 30 messages per minute (a token every
/// 2 s, so 30 quick sends all fit before one comes back) and 3 connections per user.
/// </summary>
public sealed class LimitsNodeFixture : IAsyncLifetime
{
    public const int MessagesPerWindow = 30;
    public const int ConnectionsPerUser = 3;

    private string connectionString = "";

    public ChatNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        Node = ChatNode.Start(connectionString, extra: new Dictionary<string, string?>
        {
            ["RateLimits:MessagesPerWindow"] = "30",
            ["RateLimits:WindowMilliseconds"] = "60000",
            ["RateLimits:ConnectionsPerUser"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}
