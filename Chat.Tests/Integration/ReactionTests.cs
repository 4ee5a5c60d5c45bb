using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

public sealed class ReactionTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const string ThumbsUp = "\U0001F44D";
    private const string Heart = "\u2764\uFE0F";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Twenty_users_adding_the_same_emoji_at_once_end_at_twenty_and_the_last_event_says_so()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);
        await using var ownerHub = await HubClient.ConnectAsync(Node, owner, HubProtocol.Json);
        var reactors = new List<HubClient>();
        for (var i = 0; i < 20; i++)
        {
            var user = await TestUser.RegisterAsync(Node, $"fan{i}");
            var client = await HubClient.ConnectAsync(Node, user, i % 2 == 0 ? HubProtocol.MessagePack : HubProtocol.Json);
            await client.JoinRoomAsync(room.Id);
            reactors.Add(client);
        }

        try
        {
            var ack = await ownerHub.SendTextAsync(room.Id, "react to me");

            await Task.WhenAll(reactors.Select(r => AddAsync(r, room.Id, ack.MessageId, ThumbsUp)));

            var events = new List<ReactionChangedEvent>();
            for (var i = 0; i < 20; i++)
            {
                events.Add(await ownerHub.NextReactionAsync());
            }

            Assert.All(events, e => Assert.Equal((room.Id, ack.MessageId, ThumbsUp, true), (e.RoomId, e.MessageId, e.Emoji, e.Added)));
            Assert.Equal(20, events.Select(e => e.UserId).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, 20), events.Select(e => e.Count));
            Assert.Equal(20, events[^1].Count);

            var history = await ownerHub.GetHistoryAsync(room.Id);
            Assert.Equal(new Dictionary<string, int> { [ThumbsUp] = 20 }, history.Single(m => m.Id == ack.MessageId).Reactions);
        }
        finally
        {
            foreach (var client in reactors)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Adding_twice_counts_once_and_removing_what_is_not_there_tells_no_one()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.MessagePack);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        var ack = await aliceHub.SendTextAsync(room.Id, "nice");

        await AddAsync(bobHub, room.Id, ack.MessageId, ThumbsUp);
        await AddAsync(bobHub, room.Id, ack.MessageId, ThumbsUp);
        await AddAsync(bobHub, room.Id, ack.MessageId, Heart);
        await RemoveAsync(bobHub, room.Id, ack.MessageId, ThumbsUp);
        await RemoveAsync(bobHub, room.Id, ack.MessageId, ThumbsUp);
        await RemoveAsync(aliceHub, room.Id, ack.MessageId, Heart);
        await AddAsync(aliceHub, room.Id, ack.MessageId, Heart);

        var events = new List<ReactionChangedEvent>();
        for (var i = 0; i < 4; i++)
        {
            events.Add(await aliceHub.NextReactionAsync());
        }

        Assert.Equal(
            [(ThumbsUp, 1, bob.Id, true), (Heart, 1, bob.Id, true), (ThumbsUp, 0, bob.Id, false), (Heart, 2, alice.Id, true)],
            events.Select(e => (e.Emoji, e.Count, e.UserId, e.Added)));

        // Reactions travel with the message: history, Sync, the room snapshot and an edit.
        var expected = new Dictionary<string, int> { [Heart] = 2 };
        using var http = Node.Http(bob.Token);
        var history = await http.HistoryAsync(room.Id);
        Assert.Equal(expected, history.Single(m => m.Id == ack.MessageId).Reactions);
        var synced = await bobHub.SyncAsync(room.Id, ack.Seq - 1);
        Assert.Equal(expected, synced.Rooms[0].Messages.Single(m => m.Id == ack.MessageId).Reactions);
        var snapshot = await bobHub.JoinRoomAsync(room.Id);
        Assert.Equal(expected, snapshot.Recent.Single(m => m.Id == ack.MessageId).Reactions);
        await aliceHub.EditMessageAsync(room.Id, ack.MessageId, "very nice");
        Assert.Equal(expected, (await bobHub.NextUpdateAsync()).Reactions);
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("a")]
    [InlineData("\U0001F44D\U0001F44D")]
    [InlineData("")]
    [InlineData("<b>")]
    public async Task Anything_but_one_emoji_is_invalid(string emoji)
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var ack = await aliceHub.SendTextAsync(room.Id, "hi");

        var error = await Assert.ThrowsAsync<HubException>(() => AddAsync(aliceHub, room.Id, ack.MessageId, emoji));

        Assert.Equal("invalid: emoji must be a single emoji", error.Message);
        Assert.Equal(HubConnectionState.Connected, aliceHub.Connection.State);
    }

    [Fact]
    public async Task A_deleted_message_takes_no_reactions_and_loses_the_ones_it_had()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var ack = await aliceHub.SendTextAsync(room.Id, "soon gone");
        await AddAsync(bobHub, room.Id, ack.MessageId, ThumbsUp);

        await aliceHub.DeleteMessageAsync(room.Id, ack.MessageId);
        var add = await Assert.ThrowsAsync<HubException>(() => AddAsync(bobHub, room.Id, ack.MessageId, Heart));
        var remove = await Assert.ThrowsAsync<HubException>(() => RemoveAsync(bobHub, room.Id, ack.MessageId, ThumbsUp));
        var unknown = await Assert.ThrowsAsync<HubException>(() => AddAsync(bobHub, room.Id, Guid.NewGuid(), Heart));

        Assert.StartsWith("gone:", add.Message);
        Assert.StartsWith("gone:", remove.Message);
        Assert.StartsWith("not_found:", unknown.Message);
        var history = await bobHub.GetHistoryAsync(room.Id);
        Assert.Empty(history.Single(m => m.Id == ack.MessageId).Reactions);
    }

    [Fact]
    public async Task A_non_member_cannot_react()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var strangerHub = await HubClient.ConnectAsync(Node, stranger);
        var ack = await aliceHub.SendTextAsync(room.Id, "members only");

        var error = await Assert.ThrowsAsync<HubException>(() => AddAsync(strangerHub, room.Id, ack.MessageId, ThumbsUp));

        Assert.StartsWith("forbidden:", error.Message);
    }

    private static Task AddAsync(HubClient client, Guid roomId, Guid messageId, string emoji) =>
        client.AddReactionAsync(roomId, messageId, emoji);

    private static Task RemoveAsync(HubClient client, Guid roomId, Guid messageId, string emoji) =>
        client.RemoveReactionAsync(roomId, messageId, emoji);

    [Fact]
    public async Task A_message_takes_twenty_different_emoji_and_refuses_a_new_one_with_limit_but_not_more_of_the_same()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var ack = await aliceHub.SendTextAsync(room.Id, "react to me");
        // Twenty-one faces, U+1F600 to U+1F614.
        var faces = Enumerable.Range(0x1F600, 21).Select(char.ConvertFromUtf32).ToArray();

        foreach (var face in faces[..20])
        {
            await aliceHub.AddReactionAsync(room.Id, ack.MessageId, face);
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.AddReactionAsync(room.Id, ack.MessageId, faces[20]));
        await bobHub.AddReactionAsync(room.Id, ack.MessageId, faces[0]);

        Assert.StartsWith("limit:", refused.Message);
        var reactions = Assert.Single(await aliceHub.GetHistoryAsync(room.Id), m => m.Id == ack.MessageId).Reactions;
        Assert.Equal(20, reactions.Count);
        Assert.Equal(2, reactions[faces[0]]);
        Assert.False(reactions.ContainsKey(faces[20]));
    }
}
