using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

public sealed class MessagingTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Message_sent_over_MessagePack_reaches_a_JSON_member_with_every_field_and_is_not_echoed()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);

        await using var aliceSending = await HubClient.ConnectAsync(Node, alice, HubProtocol.MessagePack);
        await using var aliceOther = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobJson = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        var snapshot = await bobJson.JoinRoomAsync(room.Id);
        Assert.Contains(snapshot.Members, m => m.UserId == bob.Id && m.Role == RoomRole.Member);
        await bobJson.NextMessageAsync(MessageType.Join);
        await aliceSending.NextMessageAsync(MessageType.Join);
        await aliceOther.NextMessageAsync(MessageType.Join);

        var clientMessageId = Guid.NewGuid();
        var ack = await aliceSending.SendMessageAsync(new SendMessageRequest(
            room.Id.ToString(), clientMessageId.ToString(), "text", "  hello, bob  ",
            Metadata: new Dictionary<string, string> { ["client"] = "tests" }));

        var received = await bobJson.NextMessageAsync();
        Assert.Equal(ack.MessageId, received.Id);
        Assert.Equal(room.Id, received.RoomId);
        Assert.Equal(ack.Seq, received.Seq);
        Assert.Equal(alice.Id, received.SenderId);
        Assert.Equal("alice", received.SenderName);
        Assert.Equal(MessageType.Text, received.Type);
        Assert.Equal("hello, bob", received.Content);
        Assert.Null(received.ToUserId);
        Assert.Null(received.ReplyToId);
        Assert.Null(received.Attachment);
        Assert.Equal("tests", received.Metadata!["client"]);
        Assert.Empty(received.Reactions);
        Assert.Equal(ack.SentAt, received.SentAt);
        Assert.Equal(DateTimeKind.Utc, received.SentAt.Kind);
        Assert.Null(received.EditedAt);
        Assert.False(received.Deleted);
        Assert.False(ack.Duplicate);

        // The sender's other connection gets it; the sending one does not. Events to a connection
        // are written before the ack of the same call, so an echo would already be here.
        Assert.Equal(ack.MessageId, (await aliceOther.NextMessageAsync()).Id);
        Assert.Empty(aliceSending.DrainMessages());

        using var http = Node.Http(bob.Token);
        var history = await http.HistoryAsync(room.Id);
        var stored = Assert.Single(history, m => m.Id == ack.MessageId);
        Assert.Equal(ack.Seq, stored.Seq);
        Assert.Equal(received, stored with { Metadata = received.Metadata, Reactions = received.Reactions });
        Assert.Equal("tests", stored.Metadata!["client"]);
    }

    [Fact]
    public async Task Sending_the_same_client_message_id_twice_stores_and_delivers_once()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceClient = await ClientFactory.ConnectAsync(Node.Address, alice);
        // Bob listens on a bare connection: what it records is what the server sent, with no
        // client-side filtering of repeats in between.
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var clientMessageId = Guid.NewGuid();
        var first = await aliceClient.SendTextAsync(room.Id, "only once", clientMessageId);
        var second = await aliceClient.SendTextAsync(room.Id, "only once", clientMessageId);
        var marker = await aliceClient.SendTextAsync(room.Id, "after");

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Seq, second.Seq);
        Assert.Equal(first.SentAt, second.SentAt);
        Assert.Equal(first.Seq + 1, marker.Seq);

        Assert.Equal(first.MessageId, (await bobHub.NextMessageAsync()).Id);
        Assert.Equal(marker.MessageId, (await bobHub.NextMessageAsync()).Id);

        var history = await aliceClient.GetHistoryAsync(room.Id, limit: 200);
        Assert.Single(history, m => m.Content == "only once");
    }

    [Fact]
    public async Task Concurrent_sends_from_ten_connections_get_gap_free_unique_seqs()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);
        var senders = new List<HubClient>();
        for (var i = 0; i < 10; i++)
        {
            var user = await TestUser.RegisterAsync(Node, $"sender{i}");
            var client = await HubClient.ConnectAsync(Node, user, i % 2 == 0 ? HubProtocol.MessagePack : HubProtocol.Json);
            await client.JoinRoomAsync(room.Id);
            senders.Add(client);
        }

        try
        {
            var sends = senders.SelectMany(client =>
                Enumerable.Range(0, 20).Select(n => client.SendTextAsync(room.Id, $"message {n}")));
            var acks = await Task.WhenAll(sends);

            Assert.Equal(200, acks.Select(a => a.Seq).Distinct().Count());
            Assert.All(acks, a => Assert.False(a.Duplicate));

            // Joins took seqs too: the whole log must be 1..last with no gap or repeat.
            using var http = Node.Http(owner.Token);
            var seqs = new List<long>();
            long after = 0;
            while (true)
            {
                var page = await http.HistoryAsync(room.Id, afterSeq: after, limit: 200);
                if (page.Length == 0)
                {
                    break;
                }

                seqs.AddRange(page.Select(m => m.Seq));
                after = page[^1].Seq;
            }

            Assert.Equal(210, seqs.Count);
            Assert.Equal(Enumerable.Range(1, 210).Select(i => (long)i), seqs);
            Assert.Subset(seqs.ToHashSet(), acks.Select(a => a.Seq).ToHashSet());
        }
        finally
        {
            foreach (var client in senders)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Sync_after_a_disconnect_returns_exactly_the_missed_messages_in_order()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceClient = await ClientFactory.ConnectAsync(Node.Address, alice);
        var bobJson = ClientFactory.Options(Node.Address, bob.Token);
        bobJson.UseJsonProtocol = true;

        var bobClient = new ChatClient(bobJson);
        var bobHeard = new Heard<MessageDto>();
        bobClient.MessageReceived += bobHeard.Add;
        await bobClient.StartAsync();
        await bobClient.JoinRoomAsync(room.Id);
        await aliceClient.SendTextAsync(room.Id, "seen before leaving");
        var lastSeen = await bobHeard.NextAsync(m => m.Type == MessageType.Text);
        await bobClient.DisposeAsync();

        var missed = new List<MessageAck>();
        for (var i = 0; i < 5; i++)
        {
            missed.Add(await aliceClient.SendTextAsync(room.Id, $"missed {i}"));
        }

        await using var bobAgain = new ChatClient(bobJson);
        var heardAgain = new Heard<MessageDto>();
        bobAgain.MessageReceived += heardAgain.Add;
        await bobAgain.StartAsync();
        var result = await bobAgain.SyncAsync(new SyncRequest([new SyncRoomRequest(room.Id.ToString(), lastSeen.Seq)]));

        var synced = Assert.Single(result.Rooms);
        Assert.Equal(room.Id, synced.RoomId);
        Assert.False(synced.HasMore);
        Assert.Equal(missed.Select(a => a.MessageId), synced.Messages.Select(m => m.Id));
        Assert.Equal(missed.Select(a => a.Seq), synced.Messages.Select(m => m.Seq));
        Assert.Equal(["missed 0", "missed 1", "missed 2", "missed 3", "missed 4"], synced.Messages.Select(m => m.Content));

        // Back online, the reconnected connection is in the room's group again without joining.
        var live = await aliceClient.SendTextAsync(room.Id, "welcome back");
        Assert.Equal(live.MessageId, (await heardAgain.NextAsync()).Id);
    }
}
