using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>Messages with a toUserId: only their sender and recipient ever see them or hear about them.</summary>
public sealed class PrivateMessageTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const string Wave = "\U0001F44B";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_private_message_reaches_the_recipient_and_the_senders_other_connections_but_not_a_third_member()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceSending = await HubClient.ConnectAsync(Node, alice, HubProtocol.MessagePack);
        await using var aliceOther = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, HubProtocol.MessagePack);

        var whisper = await aliceSending.SendPrivateAsync(room.Id, bob.Id, "just between us");
        var announcement = await aliceSending.SendTextAsync(room.Id, "hello everyone");

        var atBob = await bobHub.NextMessageAsync();
        Assert.Equal((whisper.MessageId, "just between us", (Guid?)bob.Id), (atBob.Id, atBob.Content, atBob.ToUserId));
        Assert.Equal(whisper.MessageId, (await aliceOther.NextMessageAsync()).Id);
        Assert.Equal(announcement.MessageId, (await bobHub.NextMessageAsync()).Id);

        // Carol's first message is the public one: the private one never came.
        Assert.Equal(announcement.MessageId, (await carolHub.NextMessageAsync()).Id);
        Assert.Empty(aliceSending.DrainMessages());
    }

    [Fact]
    public async Task History_and_sync_show_a_private_message_to_its_two_users_only()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var whisper = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "psst");
        var announcement = await aliceHub.SendTextAsync(room.Id, "public");

        foreach (var (user, hub, sees) in new[] { (alice, aliceHub, true), (bob, bobHub, true), (carol, carolHub, false) })
        {
            using var http = Node.Http(user.Token);
            var rest = await http.HistoryAsync(room.Id);
            var hubHistory = await hub.GetHistoryAsync(room.Id);
            var synced = await hub.SyncAsync(room.Id, 0);

            foreach (var page in new[] { rest, hubHistory, [.. synced.Rooms[0].Messages] })
            {
                Assert.Equal(sees, page.Any(m => m.Id == whisper.MessageId));
                Assert.Contains(page, m => m.Id == announcement.MessageId);
            }
        }
    }

    [Fact]
    public async Task A_recipient_who_is_not_a_member_is_not_found()
    {
        var (alice, _, _, room) = await TestRooms.OfThreeAsync(Node);
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        var toOutsider = await Assert.ThrowsAsync<HubException>(() => aliceHub.SendPrivateAsync(room.Id, outsider.Id, "hi"));
        var toNobody = await Assert.ThrowsAsync<HubException>(() => aliceHub.SendPrivateAsync(room.Id, Guid.NewGuid(), "hi"));

        Assert.Equal("not_found: recipient not found", toOutsider.Message);
        Assert.Equal("not_found: recipient not found", toNobody.Message);
    }

    [Fact]
    public async Task Edits_deletes_and_reactions_of_a_private_message_reach_its_two_users_only()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var whisper = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "psst");

        await aliceHub.EditMessageAsync(room.Id, whisper.MessageId, "psst!");
        await bobHub.AddReactionAsync(room.Id, whisper.MessageId, Wave);
        await aliceHub.DeleteMessageAsync(room.Id, whisper.MessageId);

        Assert.Equal("psst!", (await bobHub.NextUpdateAsync()).Content);
        Assert.Equal((Wave, 1), await NextReactionAsync(aliceHub));
        Assert.Equal(whisper.MessageId, (await bobHub.NextDeletionAsync()).MessageId);
        Assert.Equal(whisper.MessageId, (await aliceHub.NextDeletionAsync()).MessageId);

        // Carol cannot see it, so to her it does not exist.
        var react = await Assert.ThrowsAsync<HubException>(() => carolHub.AddReactionAsync(room.Id, whisper.MessageId, Wave));
        var delete = await Assert.ThrowsAsync<HubException>(() => carolHub.DeleteMessageAsync(room.Id, whisper.MessageId));
        Assert.StartsWith("not_found:", react.Message);
        Assert.StartsWith("not_found:", delete.Message);

        // Everything carol was told: a public message sent now arrives with nothing before it.
        var marker = await aliceHub.SendTextAsync(room.Id, "marker");
        await aliceHub.EditMessageAsync(room.Id, marker.MessageId, "marker, edited");
        Assert.Equal(marker.MessageId, (await carolHub.NextMessageAsync()).Id);
        Assert.Equal(marker.MessageId, (await carolHub.NextUpdateAsync()).Id);
        Assert.Empty(carolHub.DrainMessages());
        Assert.Empty(carolHub.DrainUpdates());
        Assert.Empty(carolHub.DrainReactions());
        Assert.Empty(carolHub.DrainDeletions());
    }

    private static async Task<(string Emoji, int Count)> NextReactionAsync(HubClient client)
    {
        var reaction = await client.NextReactionAsync();
        return (reaction.Emoji, reaction.Count);
    }
}
