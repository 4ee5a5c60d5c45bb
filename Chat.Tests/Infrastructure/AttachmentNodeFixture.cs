namespace Chat.Tests.Infrastructure;

/// <summary>
/// A fresh database and one node whose attachment limit is 1 MiB: small enough that a test
/// exceeds it cheaply, large enough that a download spans several chunks.
/// </summary>
public sealed class AttachmentNodeFixture : IAsyncLifetime
{
    public const long MaxAttachmentBytes = 1024 * 1024;

    private string connectionString = "";

    public ChatNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        Node = ChatNode.Start(connectionString, extra: new Dictionary<string, string?>
        {
            ["Chat:MaxAttachmentBytes"] = MaxAttachmentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}
