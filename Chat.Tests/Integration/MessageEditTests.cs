using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

public sealed class MessageEditTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task An_edit_reaches_the_room_with_the_new_content_and_edited_at_and_history_keeps_it()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.MessagePack);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        var ack = await aliceHub.SendTextAsync(room.Id, "helo");

        await aliceHub.EditMessageAsync(room.Id, ack.MessageId, "  hello  ");

        var atBob = await bobHub.NextUpdateAsync();
        Assert.Equal(ack.MessageId, atBob.Id);
        Assert.Equal(ack.Seq, atBob.Seq);
        Assert.Equal("hello", atBob.Content);
        Assert.NotNull(atBob.EditedAt);
        Assert.True(atBob.EditedAt >= ack.SentAt);
        Assert.Equal(ack.SentAt, atBob.SentAt);
        Assert.False(atBob.Deleted);
        Assert.Equal(atBob, await aliceHub.NextUpdateAsync() with { Metadata = atBob.Metadata, Reactions = atBob.Reactions });

        using var http = Node.Http(bob.Token);
        var history = await http.HistoryAsync(room.Id);
        var stored = Assert.Single(history, m => m.Id == ack.MessageId);
        Assert.Equal(("hello", atBob.EditedAt), (stored.Content, stored.EditedAt));
    }

    [Fact]
    public async Task Only_the_sender_may_edit_and_bad_content_is_invalid()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var ack = await aliceHub.SendTextAsync(room.Id, "mine");
        var bobsJoin = (await bobHub.GetHistoryAsync(room.Id))
            .Single(m => m.Type == MessageType.Join);

        var byOther = await Assert.ThrowsAsync<HubException>(() => Edit(bobHub, room.Id, ack.MessageId, "yours now"));
        var empty = await Assert.ThrowsAsync<HubException>(() => Edit(aliceHub, room.Id, ack.MessageId, "   "));
        var tooLong = await Assert.ThrowsAsync<HubException>(() => Edit(aliceHub, room.Id, ack.MessageId, new string('x', 4001)));
        var unknown = await Assert.ThrowsAsync<HubException>(() => Edit(aliceHub, room.Id, Guid.NewGuid(), "anything"));
        var badId = await Assert.ThrowsAsync<HubException>(() => aliceHub.EditMessageAsync(room.Id.ToString(), "message-1", "anything"));
        var join = await Assert.ThrowsAsync<HubException>(() => Edit(bobHub, room.Id, bobsJoin.Id, "bob arrived in style"));

        Assert.Equal("forbidden: only the sender may edit a message", byOther.Message);
        Assert.Equal("invalid: content must not be empty", empty.Message);
        Assert.Equal("invalid: content must be at most 4000 characters", tooLong.Message);
        Assert.StartsWith("not_found:", unknown.Message);
        Assert.Equal("invalid: messageId must be a UUID", badId.Message);
        Assert.Equal("forbidden: only text and system messages can be edited", join.Message);
        Assert.Empty(bobHub.DrainUpdates());
        Assert.Equal(HubConnectionState.Connected, bobHub.Connection.State);
    }

    [Fact]
    public async Task A_delete_reaches_the_room_once_keeps_the_seq_and_history_shows_it_empty()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.MessagePack);
        var doomed = await aliceHub.SendMessageAsync(new SendMessageRequest(
            room.Id.ToString(), Guid.NewGuid().ToString(), "text", "regrettable",
            Metadata: new Dictionary<string, string> { ["client"] = "tests" }));
        var next = await aliceHub.SendTextAsync(room.Id, "fine");

        await Delete(aliceHub, room.Id, doomed.MessageId);
        Assert.Equal(new MessageDeletedEvent(room.Id, doomed.MessageId), await bobHub.NextDeletionAsync());

        // Deleting again changes nothing and tells no one: bob's next deletion is the next one.
        await Delete(aliceHub, room.Id, doomed.MessageId);
        await Delete(aliceHub, room.Id, next.MessageId);
        Assert.Equal(next.MessageId, (await bobHub.NextDeletionAsync()).MessageId);

        var history = await bobHub.GetHistoryAsync(room.Id);
        var stored = Assert.Single(history, m => m.Id == doomed.MessageId);
        Assert.True(stored.Deleted);
        Assert.Equal("", stored.Content);
        Assert.Null(stored.Metadata);
        Assert.Equal(doomed.Seq, stored.Seq);
        Assert.Equal(history.Select(m => m.Seq).Order(), history.Select(m => m.Seq));

        var synced = await bobHub.SyncAsync(room.Id, doomed.Seq - 1);
        Assert.Equal([(doomed.Seq, true, ""), (next.Seq, true, "")], synced.Rooms[0].Messages.Select(m => (m.Seq, m.Deleted, m.Content)));

        var edit = await Assert.ThrowsAsync<HubException>(() => Edit(aliceHub, room.Id, doomed.MessageId, "take two"));
        Assert.StartsWith("gone:", edit.Message);
    }

    [Fact]
    public async Task The_room_admin_may_delete_a_members_message_but_a_member_may_not_delete_anothers()
    {
        var (admin, member, room) = await TestRooms.OfTwoAsync(Node);
        await using var adminHub = await HubClient.ConnectAsync(Node, admin);
        await using var memberHub = await HubClient.ConnectAsync(Node, member);
        var byMember = await memberHub.SendTextAsync(room.Id, "spam");
        var byAdmin = await adminHub.SendTextAsync(room.Id, "rules");
        var memberJoin = (await memberHub.GetHistoryAsync(room.Id))
            .Single(m => m.Type == MessageType.Join);

        var refused = await Assert.ThrowsAsync<HubException>(() => Delete(memberHub, room.Id, byAdmin.MessageId));
        var ownJoin = await Assert.ThrowsAsync<HubException>(() => Delete(memberHub, room.Id, memberJoin.Id));
        Assert.Equal("forbidden: only the sender or a moderator may delete a message", refused.Message);
        Assert.Equal("forbidden: join and leave messages can be deleted by moderators only", ownJoin.Message);

        await Delete(adminHub, room.Id, byMember.MessageId);
        Assert.Equal(byMember.MessageId, (await memberHub.NextDeletionAsync()).MessageId);
        await Delete(adminHub, room.Id, memberJoin.Id);
        Assert.Equal(memberJoin.Id, (await memberHub.NextDeletionAsync()).MessageId);

        var history = await adminHub.GetHistoryAsync(room.Id);
        Assert.False(history.Single(m => m.Id == byAdmin.MessageId).Deleted);
        Assert.True(history.Single(m => m.Id == byMember.MessageId).Deleted);
    }

    [Fact]
    public async Task A_non_member_can_neither_edit_nor_delete()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var strangerHub = await HubClient.ConnectAsync(Node, stranger);
        var ack = await aliceHub.SendTextAsync(room.Id, "members only");

        var edit = await Assert.ThrowsAsync<HubException>(() => Edit(strangerHub, room.Id, ack.MessageId, "mine"));
        var delete = await Assert.ThrowsAsync<HubException>(() => Delete(strangerHub, room.Id, ack.MessageId));

        Assert.StartsWith("forbidden:", edit.Message);
        Assert.StartsWith("forbidden:", delete.Message);
    }

    private static Task Edit(HubClient client, Guid roomId, Guid messageId, string content) =>
        client.EditMessageAsync(roomId, messageId, content);

    private static Task Delete(HubClient client, Guid roomId, Guid messageId) =>
        client.DeleteMessageAsync(roomId, messageId);
}
