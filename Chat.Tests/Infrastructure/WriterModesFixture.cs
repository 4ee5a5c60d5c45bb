using Chat.Data.Writing;

namespace Chat.Tests.Infrastructure;

/// <summary>One node per way of storing messages, each on a fresh database, for tests that must hold in both.</summary>
public sealed class WriterModesFixture : IAsyncLifetime
{
    private readonly Dictionary<MessageWriteMode, NodeFixture> nodes = Enum.GetValues<MessageWriteMode>().ToDictionary(
        mode => mode,
        mode => new NodeFixture(new Dictionary<string, string?>
        {
            ["MessageWriter:Mode"] = mode.ToString(),
            // A wide window, so that sends made together really share a transaction.
            ["MessageWriter:MaxDelayMilliseconds"] = "20",
        }));

    public ChatNode Node(MessageWriteMode mode) => nodes[mode].Node;

    public async Task InitializeAsync()
    {
        foreach (var node in nodes.Values)
        {
            await node.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in nodes.Values)
        {
            await node.DisposeAsync();
        }
    }
}
