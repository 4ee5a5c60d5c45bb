using System.Threading.Channels;
using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Client;

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

    [Fact]
    public async Task Every_typed_hub_method_reaches_the_other_member_as_its_typed_event()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var aliceRest = ClientFactory.Rest(Node.Address, alice.Token);
        var room = await aliceRest.CreateRoomAsync(new CreateRoomRequest("typed", null, false, null));
        await using var aliceHub = await ClientFactory.ConnectAsync(Node.Address, alice);
        await using var bobHub = await ClientFactory.ConnectAsync(Node.Address, bob);
        var (aliceMessages, bobMessages) = (new Heard<MessageDto>(), new Heard<MessageDto>());
        var joins = new Heard<UserJoinedEvent>();
        var leaves = new Heard<UserLeftEvent>();
        var updates = new Heard<MessageDto>();
        var deletions = new Heard<MessageDeletedEvent>();
        var reactions = new Heard<ReactionChangedEvent>();
        var typing = new Heard<TypingChangedEvent>();
        var receipts = new Heard<ReceiptDto>();
        var presence = new Heard<PresenceChangedEvent>();
        var memberUpdates = new Heard<MemberDto>();
        var roomUpdates = new Heard<RoomDto>();
        var removals = new Heard<RemovedFromRoomEvent>();
        aliceHub.MessageReceived += aliceMessages.Add;
        aliceHub.UserJoined += joins.Add;
        aliceHub.UserLeft += leaves.Add;
        aliceHub.ReactionChanged += reactions.Add;
        aliceHub.TypingChanged += typing.Add;
        aliceHub.ReceiptUpdated += receipts.Add;
        aliceHub.PresenceChanged += presence.Add;
        bobHub.MessageReceived += bobMessages.Add;
        bobHub.MessageUpdated += updates.Add;
        bobHub.MessageDeleted += deletions.Add;
        bobHub.MemberUpdated += memberUpdates.Add;
        bobHub.RoomUpdated += roomUpdates.Add;
        bobHub.RemovedFromRoom += removals.Add;
        await aliceHub.JoinRoomAsync(room.Id);

        var snapshot = await bobHub.JoinRoomAsync(room.Id);
        Assert.Contains(snapshot.Members, m => (m.UserId, m.Role) == (bob.Id, RoomRole.Member));
        Assert.Equal(bob.Id, (await joins.NextAsync(j => j.User.Id == bob.Id)).User.Id);

        var ack = await aliceHub.SendTextAsync(room.Id, "hello bob");
        var message = await bobMessages.NextAsync(m => m.Type == MessageType.Text);
        Assert.Equal((ack.MessageId, ack.Seq, "hello bob"), (message.Id, message.Seq, message.Content));

        await bobHub.AddReactionAsync(room.Id, ack.MessageId, "👍");
        var reaction = await reactions.NextAsync();
        Assert.Equal((ack.MessageId, "👍", 1, bob.Id, true), (reaction.MessageId, reaction.Emoji, reaction.Count, reaction.UserId, reaction.Added));
        await bobHub.RemoveReactionAsync(room.Id, ack.MessageId, "👍");
        var withdrawn = await reactions.NextAsync();
        Assert.Equal((0, false), (withdrawn.Count, withdrawn.Added));

        await aliceHub.EditMessageAsync(room.Id, ack.MessageId, "hello, bob");
        var edited = await updates.NextAsync();
        Assert.Equal(("hello, bob", ack.MessageId), (edited.Content, edited.Id));
        Assert.NotNull(edited.EditedAt);

        await bobHub.StartTypingAsync(room.Id);
        Assert.Equal([bob.Id], (await typing.NextAsync(t => t.UserIds.Count > 0)).UserIds);
        await bobHub.StopTypingAsync(room.Id);
        Assert.Empty((await typing.NextAsync()).UserIds);

        await bobHub.MarkDeliveredAsync(room.Id, ack.Seq);
        await bobHub.MarkReadAsync(room.Id, ack.Seq);
        var read = await receipts.NextAsync(r => r.UserId == bob.Id && r.ReadSeq == ack.Seq);
        Assert.Equal(ack.Seq, read.DeliveredSeq);

        await bobHub.SetPresenceAsync(PresenceStatus.Dnd);
        Assert.Equal(PresenceStatus.Dnd, (await presence.NextAsync(p => p.UserId == bob.Id)).Status);

        await aliceHub.DeleteMessageAsync(room.Id, ack.MessageId);
        Assert.Equal(new MessageDeletedEvent(room.Id, ack.MessageId), await deletions.NextAsync());
        var history = await bobHub.GetHistoryAsync(room.Id);
        Assert.True(Assert.Single(history, m => m.Id == ack.MessageId).Deleted);

        await aliceRest.MuteAsync(room.Id, bob.Id, TimeSpan.FromMinutes(5));
        Assert.NotNull((await memberUpdates.NextAsync(m => m.UserId == bob.Id)).MutedUntil);
        await aliceRest.UpdateRoomAsync(room.Id, new UpdateRoomRequest(null, "a new topic"));
        Assert.Equal("a new topic", (await roomUpdates.NextAsync()).Topic);

        var synced = await bobHub.SyncAsync(new SyncRequest([new SyncRoomRequest(room.Id.ToString(), ack.Seq - 1)]));
        Assert.Equal(ack.MessageId, Assert.Single(synced.Rooms).Messages[0].Id);

        await bobHub.LeaveRoomAsync(room.Id);
        Assert.Equal(bob.Id, (await leaves.NextAsync()).UserId);
        Assert.Equal(RemovalReason.Left, (await removals.NextAsync()).Reason);
    }

    [Fact]
    public async Task Pins_and_message_search_round_trip_through_the_typed_clients()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var aliceRest = ClientFactory.Rest(Node.Address, alice.Token);
        var bobRest = ClientFactory.Rest(Node.Address, bob.Token);
        var room = await aliceRest.CreateRoomAsync(new CreateRoomRequest("pins", null, false, new RoomSettings(SearchLanguage: "english")));
        await bobRest.JoinRoomAsync(room.Id);
        await using var aliceHub = await ClientFactory.ConnectAsync(Node.Address, alice);
        await using var bobHub = await ClientFactory.ConnectAsync(Node.Address, bob);
        var pins = new Heard<PinDto>();
        var unpins = new Heard<MessageUnpinnedEvent>();
        bobHub.MessagePinned += pins.Add;
        bobHub.MessageUnpinned += unpins.Add;
        await bobHub.JoinRoomAsync(room.Id);
        var ack = await aliceHub.SendTextAsync(room.Id, "the <release> is running late");

        await aliceHub.PinMessageAsync(room.Id, ack.MessageId);
        var pinned = await pins.NextAsync();
        var listed = Assert.Single(await bobRest.GetPinsAsync(room.Id));
        var inRoom = await bobRest.SearchRoomMessagesAsync(room.Id, "run", limit: 5);
        var everywhere = await bobRest.SearchMessagesAsync("\"release is running\" -early");
        await aliceRest.UnpinMessageAsync(room.Id, ack.MessageId);
        var unpinned = await unpins.NextAsync();
        var again = await aliceRest.PinMessageAsync(room.Id, ack.MessageId);
        await aliceHub.UnpinMessageAsync(room.Id, ack.MessageId);

        Assert.Equal((ack.MessageId, alice.Id, true), (pinned.Message.Id, pinned.PinnedBy, pinned.Message.Pinned));
        Assert.Equal(pinned.PinnedAt, listed.PinnedAt);
        var hit = Assert.Single(inRoom.Hits);
        Assert.Equal((ack.MessageId, false), (hit.Message.Id, inRoom.HasMore));
        Assert.Equal("the &lt;release&gt; is <mark>running</mark> late", hit.Highlight);
        Assert.Equal(ack.MessageId, Assert.Single(everywhere.Hits).Message.Id);
        Assert.Equal(new MessageUnpinnedEvent(room.Id, ack.MessageId, alice.Id), unpinned);
        Assert.Equal(ack.MessageId, again.Message.Id);
        Assert.Equal(ack.MessageId, (await unpins.NextAsync()).MessageId);
        var refused = await Assert.ThrowsAsync<ChatServiceException>(() => bobHub.PinMessageAsync(room.Id, ack.MessageId));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        var invalid = await Assert.ThrowsAsync<ChatServiceException>(() => bobRest.SearchMessagesAsync(""));
        Assert.Equal(ErrorCodes.Invalid, invalid.Code);
    }

    [Fact]
    public async Task Hub_refusals_surface_as_exceptions_carrying_the_protocol_code()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await ClientFactory.ConnectAsync(Node.Address, alice);
        await using var bobHub = await ClientFactory.ConnectAsync(Node.Address, bob);
        var ack = await aliceHub.SendTextAsync(room.Id, "alice's words");

        var unknownRoom = await Assert.ThrowsAsync<ChatServiceException>(() => bobHub.JoinRoomAsync(Guid.NewGuid()));
        var notHers = await Assert.ThrowsAsync<ChatServiceException>(() => bobHub.EditMessageAsync(room.Id, ack.MessageId, "bob's words"));
        var empty = await Assert.ThrowsAsync<ChatServiceException>(() => bobHub.SendTextAsync(room.Id, "   "));
        var offline = await Assert.ThrowsAsync<ChatServiceException>(() => bobHub.SetPresenceAsync(PresenceStatus.Offline));

        Assert.Equal(ErrorCodes.NotFound, unknownRoom.Code);
        Assert.Equal(ErrorCodes.Forbidden, notHers.Code);
        Assert.Equal(ErrorCodes.Invalid, empty.Code);
        Assert.Equal(ErrorCodes.Invalid, offline.Code);
        Assert.DoesNotContain("invalid:", empty.Message, StringComparison.Ordinal);
        Assert.Null(empty.Status);

        // The connection stays usable after refusals.
        Assert.Equal(room.Id, (await bobHub.JoinRoomAsync(room.Id)).Room.Id);
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
