using System.Net.WebSockets;
using System.Threading.Channels;
using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections.Client;
using Xunit.Abstractions;

namespace Chat.Tests.Integration;

/// <summary>
/// Bytes on the wire, counted by a TCP relay between the clients and the node, for the same
/// conversation of large, repetitive messages with and without WebSocket compression.
/// </summary>
public sealed class CompressionTests(ChatNodeFixture fixture, ITestOutputHelper output) : IClassFixture<ChatNodeFixture>
{
    private const int MessageCount = 50;

    private ChatNode Node => fixture.Node;

    [Theory]
    [InlineData(HubProtocol.MessagePack)]
    [InlineData(HubProtocol.Json)]
    public async Task Large_messages_cross_the_wire_in_far_fewer_bytes_when_compression_is_negotiated(HubProtocol protocol)
    {
        var uncompressed = await MeasureConversationAsync(Node, protocol, offerCompression: false);
        var compressed = await MeasureConversationAsync(Node, protocol, offerCompression: true);

        output.WriteLine($"{protocol}: {MessageCount} messages of {Report(0).Length} characters, sent and received: " +
            $"{uncompressed} bytes uncompressed, {compressed} bytes compressed ({100.0 * compressed / uncompressed:F1} %)");
        Assert.True(
            compressed < uncompressed / 2,
            $"compressed {compressed} bytes is not under half of uncompressed {uncompressed} bytes");
    }

    [Fact]
    public async Task A_node_with_compression_switched_off_declines_it_and_sends_the_full_bytes()
    {
        var connectionString = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var node = ChatNode.Start(connectionString, extra: new Dictionary<string, string?> { ["Chat:WebSocketCompression"] = "false" });

            var offered = await MeasureConversationAsync(node, HubProtocol.MessagePack, offerCompression: true);
            var notOffered = await MeasureConversationAsync(node, HubProtocol.MessagePack, offerCompression: false);

            output.WriteLine($"compression off on the node: {offered} bytes when the client offers it, {notOffered} when it does not");
            Assert.InRange(offered, notOffered * 0.9, notOffered * 1.1);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task The_chat_client_offers_compression_by_default()
    {
        var bot = await TestUser.RegisterAsync(Node, "bot");
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var relay = new ByteCountingRelay(Node.Address);
        await using var client = new ChatClient(new ChatClientOptions
        {
            BaseAddress = relay.Address,
            AccessTokenProvider = () => Task.FromResult<string?>(bot.Token),
        });
        var received = Channel.CreateUnbounded<MessageDto>();
        client.MessageReceived += m => received.Writer.WriteAsync(m).AsTask();
        await client.StartAsync();
        await client.JoinRoomAsync(room.Id);

        var before = relay.BytesToClient;
        var sent = new List<string>();
        for (var i = 0; i < MessageCount; i++)
        {
            sent.Add(Report(i));
            await aliceHub.SendTextAsync(room.Id, sent[^1]);
        }

        var texts = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (texts.Count < MessageCount)
        {
            var message = await received.Reader.ReadAsync(deadline.Token);
            if (message.Type == MessageType.Text)
            {
                texts.Add(message.Content);
            }
        }

        var bytes = relay.BytesToClient - before;
        var characters = sent.Sum(s => s.Length);
        output.WriteLine($"the chat client received {characters} characters of content in {bytes} bytes");
        Assert.Equal(sent, texts);
        Assert.True(bytes < characters / 2, $"{bytes} bytes for {characters} characters: not compressed");
    }

    // Alice sends, Bob receives; both connect through one relay, WebSockets only. Returns the
    // bytes that crossed in both directions for the messages alone (not the handshakes).
    private static async Task<long> MeasureConversationAsync(ChatNode node, HubProtocol protocol, bool offerCompression)
    {
        var alice = await TestUser.RegisterAsync(node, "alice");
        var bob = await TestUser.RegisterAsync(node, "bob");
        var room = await alice.CreateRoomAsync(node);
        await using var relay = new ByteCountingRelay(node.Address);
        Action<HttpConnectionOptions> offer = options =>
        {
            if (offerCompression)
            {
                options.WebSocketConfiguration = webSocket => webSocket.DangerousDeflateOptions = new WebSocketDeflateOptions();
            }
        };
        await using var aliceHub = await HubClient.ConnectWebSocketAsync(relay.Address, alice, protocol, offer);
        await using var bobHub = await HubClient.ConnectWebSocketAsync(relay.Address, bob, protocol, offer);
        await bobHub.JoinRoomAsync(room.Id);
        await aliceHub.NextMessageAsync(MessageType.Join);

        var before = relay.TotalBytes;
        var sent = new List<string>();
        for (var i = 0; i < MessageCount; i++)
        {
            sent.Add(Report(i));
            await aliceHub.SendTextAsync(room.Id, sent[^1]);
        }

        foreach (var content in sent)
        {
            Assert.Equal(content, (await bobHub.NextMessageAsync(MessageType.Text)).Content);
        }

        return relay.TotalBytes - before;
    }

    // About 3,000 characters of the repetitive text that bots and logs produce.
    private static string Report(int number) =>
        $"Build report {number:D3}: " + string.Join(" ", Enumerable.Repeat("step passed, no warnings, artifacts uploaded to storage.", 52));
}
