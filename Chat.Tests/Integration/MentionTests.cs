using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// Mentions: the server reads <c>@userName</c> in what is sent and edited and names the members
/// it mentions; <c>@room</c> counts from moderators; each member's unread mentions show on their
/// rooms until they read past them.
/// </summary>
public sealed class MentionTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Theory]
    [InlineData(HubProtocol.MessagePack)]
    [InlineData(HubProtocol.Json)]
    public async Task A_message_mentions_the_members_it_names_once_each_in_any_case_but_never_its_sender_an_outsider_or_an_address(HubProtocol protocol)
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        var outsider = await TestUser.RegisterAsync(Node, "dave");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, protocol);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, protocol);
        var (a, b, c, d) = (alice.Profile.UserName, bob.Profile.UserName, carol.Profile.UserName, outsider.Profile.UserName);

        await aliceHub.SendTextAsync(room.Id, $"@{b.ToUpperInvariant()} and @{c}, also (@{b}), @{a} and @{d}: see you. Mail {b}@example.com or @{c}.");
        var named = await bobHub.NextMessageAsync();
        await aliceHub.SendTextAsync(room.Id, $"write to {c}@example.com, @{c}@example.com, or x@{b}; @{b}x is someone else");
        var unnamed = await bobHub.NextMessageAsync();
        await aliceHub.SendTextAsync(room.Id, "nobody here");
        var plain = await bobHub.NextMessageAsync();
        var stored = await bobHub.GetHistoryAsync(room.Id);

        Assert.Equal([bob.Id, carol.Id], named.Mentions);
        Assert.False(named.MentionsRoom);
        Assert.Null(unnamed.Mentions);
        Assert.Null(plain.Mentions);
        Assert.Equal([bob.Id, carol.Id], stored.Single(m => m.Id == named.Id).Mentions);
    }

    [Fact]
    public async Task At_room_mentions_the_room_from_a_moderator_or_admin_and_is_plain_text_from_a_member()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);

        await aliceHub.SendTextAsync(room.Id, "@room standup in five");
        var fromAdmin = await carolHub.NextMessageAsync();
        await bobHub.SendTextAsync(room.Id, "hey @room, cake!");
        var fromMember = await carolHub.NextMessageAsync();
        using var http = Node.Http(alice.Token);
        await http.ChangeRoleAsync(room.Id, bob.Id, "moderator").ExpectSuccessAsync();
        await bobHub.SendTextAsync(room.Id, "@Room. cake, now as a moderator");
        var fromModerator = await carolHub.NextMessageAsync(MessageType.Text);

        Assert.True(fromAdmin.MentionsRoom);
        Assert.False(fromMember.MentionsRoom);
        Assert.True(fromModerator.MentionsRoom);
        Assert.Null(fromAdmin.Mentions);
    }

    [Fact]
    public async Task A_private_message_mentions_its_recipient_only()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        await aliceHub.SendPrivateAsync(room.Id, bob.Id, $"@{carol.Profile.UserName} and @{bob.Profile.UserName}, and @room");
        var whisper = await bobHub.NextMessageAsync();
        await aliceHub.SendPrivateAsync(room.Id, bob.Id, $"about @{carol.Profile.UserName}");
        var aboutCarol = await bobHub.NextMessageAsync();

        Assert.Equal([bob.Id], whisper.Mentions);
        Assert.False(whisper.MentionsRoom);
        Assert.Null(aboutCarol.Mentions);
        using var http = Node.Http(carol.Token);
        Assert.Equal(0, Assert.Single(await http.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount);
    }

    [Fact]
    public async Task A_mention_of_a_member_who_blocked_the_sender_counts_nothing_for_them()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var carolHttp = Node.Http(carol.Token);
        await carolHttp.BlockAsync(alice.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        await aliceHub.SendTextAsync(room.Id, $"@{carol.Profile.UserName} @{bob.Profile.UserName} ping");
        var direct = await bobHub.NextMessageAsync();
        await aliceHub.SendTextAsync(room.Id, "@room ping");
        await bobHub.NextMessageAsync();
        using var bobHttp = Node.Http(bob.Token);

        Assert.Equal([bob.Id], direct.Mentions);
        Assert.Equal(2, Assert.Single(await bobHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount);
        Assert.Equal(0, Assert.Single(await carolHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount);
        Assert.Equal(0, (await carolHttp.RoomAsync(room.Id)).UnreadMentionCount);
    }

    [Fact]
    public async Task Unread_mentions_show_in_the_room_list_the_room_and_the_snapshot_until_the_member_reads_past_them()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var b = bob.Profile.UserName;
        var root = await aliceHub.SendTextAsync(room.Id, $"@{b} a question");
        await aliceHub.SendTextAsync(room.Id, "@room news");
        await carolHub.SendThreadReplyAsync(room.Id, root.MessageId, $"in the thread, @{b}");
        await bobHub.SendTextAsync(room.Id, $"talking to myself, @{b}");
        var seen = await carolHub.SendTextAsync(room.Id, "no mention");
        var deleted = await carolHub.SendTextAsync(room.Id, $"@{b} never mind");
        await carolHub.DeleteMessageAsync(room.Id, deleted.MessageId);
        using var http = Node.Http(bob.Token);

        var listed = Assert.Single(await http.RoomsAsync(), r => r.Id == room.Id);
        var read = await http.RoomAsync(room.Id);
        var snapshot = await bobHub.JoinRoomAsync(room.Id);
        await bobHub.MarkReadAsync(room.Id, root.Seq);
        var partly = await http.RoomAsync(room.Id);
        await bobHub.MarkReadAsync(room.Id, seen.Seq);
        var afterRead = await http.RoomAsync(room.Id);
        var listedAfterRead = Assert.Single(await http.RoomsAsync(), r => r.Id == room.Id);
        var snapshotAfterRead = await bobHub.JoinRoomAsync(room.Id);
        await aliceHub.SendTextAsync(room.Id, $"one more, @{b}");
        var afterNewOne = Assert.Single(await http.RoomsAsync(), r => r.Id == room.Id);
        using var aliceHttp = Node.Http(alice.Token);

        // A direct mention, @room and one in a thread; not bob's own, not a deleted one.
        Assert.Equal((3, 3, 3), (listed.UnreadMentionCount, read.UnreadMentionCount, snapshot.Room.UnreadMentionCount));
        Assert.Equal(2, partly.UnreadMentionCount);
        Assert.Equal((0, 0, 0), (afterRead.UnreadMentionCount, listedAfterRead.UnreadMentionCount, snapshotAfterRead.Room.UnreadMentionCount));
        Assert.Equal(1, afterNewOne.UnreadMentionCount);
        Assert.Equal(0, Assert.Single(await aliceHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount);
    }

    [Fact]
    public async Task An_edit_reads_the_mentions_anew()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, HubProtocol.Json);
        using var bobHttp = Node.Http(bob.Token);
        using var carolHttp = Node.Http(carol.Token);
        var sent = await aliceHub.SendTextAsync(room.Id, $"hello @{bob.Profile.UserName}");
        var before = (Assert.Single(await bobHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount,
            Assert.Single(await carolHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount);

        await aliceHub.EditMessageAsync(room.Id, sent.MessageId, $"hello @{carol.Profile.UserName}");
        var updated = await carolHub.NextUpdateAsync();
        var after = (Assert.Single(await bobHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount,
            Assert.Single(await carolHttp.RoomsAsync(), r => r.Id == room.Id).UnreadMentionCount);
        await aliceHub.EditMessageAsync(room.Id, sent.MessageId, "hello everyone");
        var cleared = await carolHub.NextUpdateAsync();

        Assert.Equal((1, 0), before);
        Assert.Equal([carol.Id], updated.Mentions);
        Assert.Equal((0, 1), after);
        Assert.Null(cleared.Mentions);
        Assert.Null((await carolHub.GetHistoryAsync(room.Id)).Single(m => m.Id == sent.MessageId).Mentions);
    }
}
