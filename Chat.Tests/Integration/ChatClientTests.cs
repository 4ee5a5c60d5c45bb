using System.Threading.Channels;
using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

public sealed class ChatClientTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Typed_client_receives_live_messages_and_recovers_each_missed_one_once_in_order()
    {
        var service = await TestUser.RegisterAsync(Node, "bot");
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var received = Channel.CreateUnbounded<MessageDto>();
        await using var client = new ChatClient(new ChatClientOptions
        {
            BaseAddress = Node.Address,
            AccessTokenProvider = () => Task.FromResult<string?>(service.Token),
        });
        client.MessageReceived += m => received.Writer.WriteAsync(m).AsTask();

        await client.StartAsync();
        var snapshot = await client.JoinRoomAsync(room.Id);
        Assert.Equal(room.Id, snapshot.Room.Id);
        var live = await aliceHub.SendTextAsync(room.Id, "live");
        Assert.Equal(live.MessageId, (await ReadAsync(received)).Id);

        await client.StopAsync();
        var missed = new[]
        {
            await aliceHub.SendTextAsync(room.Id, "missed 1"),
            await aliceHub.SendTextAsync(room.Id, "missed 2"),
            await aliceHub.SendTextAsync(room.Id, "missed 3"),
        };
        await client.StartAsync();
        await client.CatchUpAsync();
        await client.CatchUpAsync();

        var recovered = new[] { await ReadAsync(received), await ReadAsync(received), await ReadAsync(received) };
        Assert.Equal(missed.Select(a => a.Seq), recovered.Select(m => m.Seq));
        Assert.Equal(["missed 1", "missed 2", "missed 3"], recovered.Select(m => m.Content));
        Assert.False(received.Reader.TryRead(out _));

        var ack = await client.SendTextAsync(room.Id, "from the service");
        Assert.Equal(ack.MessageId, (await aliceHub.NextMessageAsync(MessageType.Text)).Id);
    }

    // The client's own join is a message too; these tests follow the text ones.
    private static async Task<MessageDto> ReadAsync(Channel<MessageDto> channel)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = await channel.Reader.ReadAsync(deadline.Token);
            if (message.Type == MessageType.Text)
            {
                return message;
            }
        }
    }
}
