using Chat.Data.Writing;

namespace Chat.Tests.Infrastructure;

/// <summary>One node per way of storing messages, each on a fresh database, for tests that must hold in both.</summary>
public sealed class WriterModesFixture : IAsyncLifetime
{
    private readonly Dictionary<MessageWriteMode, (string Database, ChatNode Node)> nodes = [];

    public ChatNode Node(MessageWriteMode mode) => nodes[mode].Node;

    public async Task InitializeAsync()
    {
        foreach (var mode in Enum.GetValues<MessageWriteMode>())
        {
            var database = await TestServers.CreateDatabaseAsync();
            nodes[mode] = (database, ChatNode.Start(database, extra: new Dictionary<string, string?>
            {
                ["MessageWriter:Mode"] = mode.ToString(),
                // A wide window, so that sends made together really share a transaction.
                ["MessageWriter:MaxDelayMilliseconds"] = "20",
            }));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (database, node) in nodes.Values)
        {
            await node.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
