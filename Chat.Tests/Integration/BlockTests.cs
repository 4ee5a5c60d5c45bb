using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>Blocking: the list under /api/users/me/blocks, refused private messages, undelivered room messages.</summary>
public sealed class BlockTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Blocks_are_listed_added_and_removed_and_bad_targets_are_refused()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        using var http = Node.Http(alice.Token);

        var afterBlock = await http.BlockAsync(bob.Id).ReadAsync<UserDto[]>();
        var listed = await http.BlocksAsync();
        var again = await http.BlockAsync(bob.Id).ReadAsync<UserDto[]>();
        var self = await http.BlockAsync(alice.Id);
        var nobody = await http.BlockAsync(Guid.NewGuid());
        var unblock = await http.UnblockAsync(bob.Id);
        var afterUnblock = await http.BlocksAsync();

        Assert.Equal([bob.Id], afterBlock.Select(u => u.Id));
        Assert.Equal([bob.Id], listed.Select(u => u.Id));
        Assert.Equal([bob.Id], again.Select(u => u.Id));
        await ProblemAssert.HasCodeAsync(self, HttpStatusCode.BadRequest, "invalid");
        await ProblemAssert.HasCodeAsync(nobody, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NoContent, unblock.StatusCode);
        Assert.Empty(afterUnblock);
    }

    [Fact]
    public async Task A_blocked_users_private_message_to_the_blocker_is_forbidden_but_others_get_theirs()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var http = Node.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.SendPrivateAsync(room.Id, alice.Id, "hi alice"));
        var toCarol = await bobHub.SendPrivateAsync(room.Id, carol.Id, "hi carol");

        Assert.StartsWith("forbidden: ", refused.Message);
        Assert.False(toCarol.Duplicate);
    }

    [Fact]
    public async Task A_blocked_users_room_messages_skip_the_blocker_until_the_block_is_lifted()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var http = Node.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var aliceOther = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);

        var muffled = await bobHub.SendTextAsync(room.Id, "can anyone hear me");
        var fromCarol = await carolHub.SendTextAsync(room.Id, "I can");

        Assert.Equal(muffled.MessageId, (await carolHub.NextMessageAsync()).Id);
        // Alice's first message on both connections is carol's: bob's never came.
        Assert.Equal(fromCarol.MessageId, (await aliceHub.NextMessageAsync()).Id);
        Assert.Equal(fromCarol.MessageId, (await aliceOther.NextMessageAsync()).Id);

        await http.UnblockAsync(bob.Id).ExpectSuccessAsync();
        var heard = await bobHub.SendTextAsync(room.Id, "and now");

        Assert.Equal(heard.MessageId, (await aliceHub.NextMessageAsync()).Id);
        Assert.Equal(heard.MessageId, (await aliceOther.NextMessageAsync()).Id);
    }

    [Fact]
    public async Task The_blocker_hears_none_of_the_blocked_users_edits_deletes_reactions_or_typing()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var fromCarol = await carolHub.SendTextAsync(room.Id, "hello");
        var fromBob = await bobHub.SendTextAsync(room.Id, "before the block");
        using var http = Node.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        await bobHub.EditMessageAsync(room.Id, fromBob.MessageId, "edited after the block");
        await bobHub.AddReactionAsync(room.Id, fromCarol.MessageId, "\U0001F44D");
        await carolHub.AddReactionAsync(room.Id, fromBob.MessageId, "\U0001F44D");
        await bobHub.StartTypingAsync(room.Id);
        await bobHub.DeleteMessageAsync(room.Id, fromBob.MessageId);
        // Carol hears all of it; a message of hers then marks the end of it for Alice too.
        var edit = await carolHub.NextUpdateAsync();
        var reactions = new[] { await carolHub.NextReactionAsync(), await carolHub.NextReactionAsync() };
        var typing = await carolHub.NextTypingAsync();
        var deletion = await carolHub.NextDeletionAsync();
        var marker = await carolHub.SendTextAsync(room.Id, "marker");

        Assert.Equal(fromBob.MessageId, edit.Id);
        Assert.Equal([bob.Id, carol.Id], reactions.Select(r => r.UserId));
        Assert.Equal([bob.Id], typing.UserIds);
        Assert.Equal(fromBob.MessageId, deletion.MessageId);
        Assert.Equal(marker.MessageId, (await aliceHub.NextMessageAsync()).Id);
        Assert.Empty(aliceHub.DrainUpdates());
        Assert.Empty(aliceHub.DrainReactions());
        Assert.Empty(aliceHub.DrainTyping());
        Assert.Empty(aliceHub.DrainDeletions());
    }

    [Fact]
    public async Task A_typing_list_caused_by_someone_else_leaves_the_blocked_user_out_for_the_blocker()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var http = Node.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);

        await bobHub.StartTypingAsync(room.Id);
        Assert.Equal([bob.Id], (await carolHub.NextTypingAsync()).UserIds);
        await carolHub.StartTypingAsync(room.Id);

        Assert.Equal([bob.Id, carol.Id], (await bobHub.NextTypingAsync()).UserIds);
        Assert.Equal([carol.Id], (await aliceHub.NextTypingAsync()).UserIds);
        // Sending ends Carol's typing: Alice hears the list emptied, still without Bob.
        await carolHub.SendTextAsync(room.Id, "marker");
        await aliceHub.NextMessageAsync();
        Assert.Equal([[]], aliceHub.DrainTyping().Select(t => t.UserIds));
    }

    [Fact]
    public async Task History_sync_and_snapshots_leave_the_blocked_users_messages_out_for_the_blocker_only()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var fromBob = await bobHub.SendTextAsync(room.Id, "from bob");
        var fromCarol = await carolHub.SendTextAsync(room.Id, "from carol");
        using var http = Node.Http(alice.Token);
        await http.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        var aliceHistory = await aliceHub.GetHistoryAsync(room.Id);
        var aliceSync = Assert.Single((await aliceHub.SyncAsync(room.Id, afterSeq: 0)).Rooms).Messages;
        var aliceSnapshot = (await aliceHub.JoinRoomAsync(room.Id)).Recent;
        var carolHistory = await carolHub.GetHistoryAsync(room.Id);
        await http.UnblockAsync(bob.Id).ExpectSuccessAsync();
        var afterUnblock = await aliceHub.GetHistoryAsync(room.Id);

        foreach (var listed in new[] { aliceHistory, aliceSync, aliceSnapshot })
        {
            Assert.DoesNotContain(listed, m => m.Id == fromBob.MessageId);
            Assert.Contains(listed, m => m.Id == fromCarol.MessageId);
            // Bob's join stays: joins and leaves are announced to everyone live, too.
            Assert.Contains(listed, m => m.SenderId == bob.Id && m.Type == MessageType.Join);
        }

        Assert.Contains(carolHistory, m => m.Id == fromBob.MessageId);
        Assert.Contains(afterUnblock, m => m.Id == fromBob.MessageId);
    }
}
