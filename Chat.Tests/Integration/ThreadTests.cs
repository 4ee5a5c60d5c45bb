using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>
/// Threads: a reply under a root goes to the room with its threadRootId and takes the room's next
/// seq; the room's main list leaves it out (unless sent also to the room) while Sync has it; the
/// root shows its thread's summary; a thread is read in pages with the caller's read pointer.
/// </summary>
public sealed class ThreadTests(ThreadTests.ThreadNodeFixture fixture) : IClassFixture<ThreadTests.ThreadNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Theory]
    [InlineData(HubProtocol.MessagePack)]
    [InlineData(HubProtocol.Json)]
    public async Task A_thread_reply_reaches_the_room_with_its_root_and_the_root_counts_its_replies_and_latest_repliers(HubProtocol protocol)
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, protocol);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, protocol);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, protocol);
        var root = await aliceHub.SendTextAsync(room.Id, "lunch?");

        var first = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "yes");
        var second = await carolHub.SendThreadReplyAsync(room.Id, root.MessageId, "me too");
        var third = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "12:30?");
        var atAlice = await aliceHub.NextThreadReplyAsync(root.MessageId);
        var atCarol = await carolHub.NextThreadReplyAsync(root.MessageId);
        var shownRoot = Assert.Single(await aliceHub.GetHistoryAsync(room.Id), m => m.Id == root.MessageId);
        var page = await carolHub.GetThreadAsync(room.Id, root.MessageId);

        Assert.Equal((first.MessageId, "yes", root.MessageId, false), (atAlice.Id, atAlice.Content, atAlice.ThreadRootId, atAlice.AlsoToRoom));
        Assert.Equal(first.MessageId, atCarol.Id);
        Assert.Equal([root.Seq + 1, root.Seq + 2, root.Seq + 3], new[] { first.Seq, second.Seq, third.Seq });
        var thread = shownRoot.Thread!;
        Assert.Equal((3, third.SentAt, third.Seq), (thread.ReplyCount, thread.LastReplyAt, thread.LastReplySeq));
        Assert.Equal([bob.Id, carol.Id], thread.LatestReplierIds);
        Assert.Equal(root.MessageId, page.Root.Id);
        Assert.Equal((3, third.Seq), (page.Root.Thread!.ReplyCount, page.Root.Thread.LastReplySeq));
        Assert.Equal([first.MessageId, second.MessageId, third.MessageId], page.Replies.Select(r => r.Id));
        Assert.All(page.Replies, r => Assert.Equal(root.MessageId, r.ThreadRootId));
        Assert.False(page.HasMore);
        // Carol replied, so she has read the thread up to her reply.
        Assert.Equal(second.Seq, page.LastReadSeq);
        Assert.Null(atAlice.Thread);
    }

    [Theory]
    [InlineData(HubProtocol.MessagePack)]
    [InlineData(HubProtocol.Json)]
    public async Task A_reply_whose_also_to_room_is_null_stays_in_its_thread(HubProtocol protocol)
    {
        // A client that writes every field of the request sends nil (or JSON null) for an unset flag.
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, protocol);
        var root = await aliceHub.SendTextAsync(room.Id, "release today?");

        var reply = await aliceHub.Connection.InvokeAsync<MessageAck>(nameof(IChatHub.SendMessage), new SendMessageRequest(
            room.Id.ToString(), Guid.NewGuid().ToString(), "text", "after the tests", ThreadRootId: root.MessageId.ToString(), AlsoToRoom: null));

        var page = await aliceHub.GetThreadAsync(room.Id, root.MessageId);
        Assert.Equal((reply.MessageId, false), (Assert.Single(page.Replies).Id, page.Replies[0].AlsoToRoom));
        Assert.DoesNotContain(await aliceHub.GetHistoryAsync(room.Id), m => m.Id == reply.MessageId);
    }

    [Fact]
    public async Task The_main_list_leaves_thread_only_replies_out_and_shows_those_sent_also_to_the_room_while_sync_has_all()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var root = await aliceHub.SendTextAsync(room.Id, "the plan");
        var hidden = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "only in the thread");
        var shown = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "also in the room", alsoToRoom: true);
        var hiddenLast = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "only in the thread, again");
        using var http = Node.Http(alice.Token);

        var hubHistory = await aliceHub.GetHistoryAsync(room.Id);
        var restHistory = await http.HistoryAsync(room.Id);
        var restAfter = await http.HistoryAsync(room.Id, afterSeq: root.Seq - 1);
        var snapshot = await aliceHub.JoinRoomAsync(room.Id);
        var listed = Assert.Single(await http.RoomsAsync(), r => r.Id == room.Id);
        var synced = Assert.Single((await aliceHub.SyncAsync(room.Id, root.Seq - 1)).Rooms).Messages;

        foreach (var mainList in new[] { hubHistory, restHistory, restAfter, snapshot.Recent })
        {
            Assert.Equal([root.MessageId, shown.MessageId], mainList.Where(m => m.Seq >= root.Seq).Select(m => m.Id));
        }

        var shownInList = restHistory.Single(m => m.Id == shown.MessageId);
        Assert.Equal((root.MessageId, true), (shownInList.ThreadRootId, shownInList.AlsoToRoom));
        Assert.Equal(shown.MessageId, listed.LastMessage!.Id);
        // Only what the main list shows counts as unread; the thread keeps its own count.
        Assert.Equal(1, listed.UnreadCount);
        Assert.Equal(hiddenLast.Seq, snapshot.LastSeq);
        Assert.Equal([root.MessageId, hidden.MessageId, shown.MessageId, hiddenLast.MessageId], synced.Select(m => m.Id));
        Assert.Equal([null, root.MessageId, root.MessageId, root.MessageId], synced.Select(m => m.ThreadRootId));
        Assert.Equal(3, synced[0].Thread!.ReplyCount);
        Assert.Equal(3, snapshot.Recent.Single(m => m.Id == root.MessageId).Thread!.ReplyCount);
    }

    [Fact]
    public async Task A_thread_is_read_a_hundred_replies_at_a_time_oldest_first_and_over_rest_in_smaller_pages()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        var root = await aliceHub.SendTextAsync(room.Id, "count with me");
        for (var i = 0; i < 101; i++)
        {
            await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, $"reply {i}");
        }

        var first = await aliceHub.GetThreadAsync(room.Id, root.MessageId);
        var second = await aliceHub.GetThreadAsync(room.Id, root.MessageId, afterSeq: first.Replies[^1].Seq);
        using var http = Node.Http(alice.Token);
        var middle = await http.GetThreadAsync(room.Id, root.MessageId, afterSeq: first.Replies[49].Seq, limit: 40).ReadAsync<ThreadPage>();
        var tooMany = await http.GetThreadAsync(room.Id, root.MessageId, limit: 101);

        Assert.Equal(101, first.Root.Thread!.ReplyCount);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"reply {i}"), first.Replies.Select(r => r.Content));
        Assert.True(first.HasMore);
        Assert.Equal(0, first.LastReadSeq);
        Assert.Equal(["reply 100"], second.Replies.Select(r => r.Content));
        Assert.False(second.HasMore);
        Assert.Equal(Enumerable.Range(50, 40).Select(i => $"reply {i}"), middle.Replies.Select(r => r.Content));
        Assert.True(middle.HasMore);
        await ProblemAssert.HasCodeAsync(tooMany, HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Marking_a_thread_read_only_moves_forward_and_the_threads_list_counts_what_is_unread_latest_reply_first()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var older = await aliceHub.SendTextAsync(room.Id, "first topic");
        var newer = await aliceHub.SendTextAsync(room.Id, "second topic");
        var r1 = await bobHub.SendThreadReplyAsync(room.Id, older.MessageId, "on the first");
        var r2 = await bobHub.SendThreadReplyAsync(room.Id, newer.MessageId, "on the second");
        var r3 = await bobHub.SendThreadReplyAsync(room.Id, newer.MessageId, "more on the second");
        var r4 = await bobHub.SendThreadReplyAsync(room.Id, older.MessageId, "back to the first");
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        using var carolHttp = Node.Http(carol.Token);

        var before = await aliceHttp.ThreadsAsync(room.Id);
        await aliceHub.MarkThreadReadAsync(room.Id, older.MessageId, r4.Seq);
        await aliceHub.MarkThreadReadAsync(room.Id, newer.MessageId, r2.Seq);
        await aliceHub.MarkThreadReadAsync(room.Id, newer.MessageId, r1.Seq);
        var after = await aliceHttp.ThreadsAsync(room.Id);
        var page = await aliceHub.GetThreadAsync(room.Id, newer.MessageId);
        var bobs = await bobHttp.ThreadsAsync(room.Id);
        var carolsBefore = await carolHttp.ThreadsAsync(room.Id);
        await carolHub.MarkThreadReadAsync(room.Id, older.MessageId, r1.Seq);
        await carolHub.MarkThreadReadAsync(room.Id, newer.MessageId, 1_000_000);
        var carols = await carolHttp.ThreadsAsync(room.Id);

        // The thread with the latest reply comes first.
        Assert.Equal([(older.MessageId, 2, 0L), (newer.MessageId, 2, 0L)], before.Select(t => (t.Root.Id, t.UnreadCount, t.LastReadSeq)));
        Assert.Equal([(older.MessageId, 0, r4.Seq), (newer.MessageId, 1, r2.Seq)], after.Select(t => (t.Root.Id, t.UnreadCount, t.LastReadSeq)));
        Assert.Equal(r2.Seq, page.LastReadSeq);
        Assert.Equal(2, after[0].Root.Thread!.ReplyCount);
        // A replier has read up to their own latest reply, and their own replies never count.
        Assert.Equal([(older.MessageId, 0, r4.Seq), (newer.MessageId, 0, r3.Seq)], bobs.Select(t => (t.Root.Id, t.UnreadCount, t.LastReadSeq)));
        // Carol took no part until she marked the threads read; a seq past the room's end is its last.
        Assert.Empty(carolsBefore);
        Assert.Equal([(older.MessageId, 1, r1.Seq), (newer.MessageId, 0, r4.Seq)], carols.Select(t => (t.Root.Id, t.UnreadCount, t.LastReadSeq)));
    }

    [Theory]
    [InlineData(HubProtocol.MessagePack)]
    [InlineData(HubProtocol.Json)]
    public async Task Reading_a_thread_on_one_device_is_heard_on_all_of_the_readers_connections_and_by_nobody_else(HubProtocol protocol)
    {
        var (alice, bob, _, room) = await TestRooms.OfThreeAsync(Node);
        await using var alicePhone = await HubClient.ConnectAsync(Node, alice, protocol);
        await using var aliceLaptop = await HubClient.ConnectAsync(Node, alice, protocol);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, protocol);
        var root = await alicePhone.SendTextAsync(room.Id, "plans?");
        var r1 = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "friday");
        var r2 = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "or saturday");

        await alicePhone.MarkThreadReadAsync(room.Id, root.MessageId, r2.Seq);
        var onLaptop = await aliceLaptop.NextThreadReadAsync();
        var onPhone = await alicePhone.NextThreadReadAsync();
        // Marking an earlier reply, or the same one again, moves nothing and is heard by nobody.
        await aliceLaptop.MarkThreadReadAsync(room.Id, root.MessageId, r1.Seq);
        await alicePhone.MarkThreadReadAsync(room.Id, root.MessageId, r2.Seq);
        await Task.WhenAll(alicePhone.FlushAsync(), aliceLaptop.FlushAsync(), bobHub.FlushAsync());

        Assert.Equal(new ThreadReadEvent(room.Id, root.MessageId, r2.Seq), onLaptop);
        Assert.Equal(onLaptop, onPhone);
        Assert.Empty(aliceLaptop.DrainThreadReads());
        Assert.Empty(alicePhone.DrainThreadReads());
        Assert.Empty(bobHub.DrainThreadReads());
        Assert.Equal(r2.Seq, (await aliceLaptop.GetThreadAsync(room.Id, root.MessageId)).LastReadSeq);
    }

    [Fact]
    public async Task A_reply_may_not_go_under_a_private_message_a_reply_a_deleted_message_or_one_of_another_room()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        var otherRoom = await bob.CreateRoomAsync(Node);
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var outsiderHub = await HubClient.ConnectAsync(Node, outsider);
        var root = await aliceHub.SendTextAsync(room.Id, "a root");
        var whisper = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "a private one");
        var reply = await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "a reply");
        var gone = await aliceHub.SendTextAsync(room.Id, "soon deleted");
        await aliceHub.DeleteMessageAsync(room.Id, gone.MessageId);
        var elsewhere = await bobHub.SendTextAsync(otherRoom.Id, "in another room");

        var refusals = new List<string>();
        foreach (var rootId in new[] { whisper.MessageId, reply.MessageId, gone.MessageId, elsewhere.MessageId, Guid.NewGuid() })
        {
            refusals.Add((await Assert.ThrowsAsync<HubException>(() => bobHub.SendThreadReplyAsync(room.Id, rootId, "no"))).Message);
        }

        var privateReply = await Assert.ThrowsAsync<HubException>(() => bobHub.SendMessageAsync(new SendMessageRequest(
            room.Id.ToString(), Guid.NewGuid().ToString(), "text", "psst", ToUserId: carol.Id.ToString(), ThreadRootId: root.MessageId.ToString())));
        var malformed = await Assert.ThrowsAsync<HubException>(() => bobHub.SendMessageAsync(new SendMessageRequest(
            room.Id.ToString(), Guid.NewGuid().ToString(), "text", "hm", ThreadRootId: "not-a-uuid")));
        // An outsider learns nothing about the room's messages: their standing is refused first.
        var fromOutside = await Assert.ThrowsAsync<HubException>(() => outsiderHub.SendThreadReplyAsync(room.Id, Guid.NewGuid(), "hi"));
        using var http = Node.Http(bob.Token);
        using var restReplyOfReply = await http.PostMessageAsync(room.Id, new SendMessageRequest(
            null, Guid.NewGuid().ToString(), "text", "no", ThreadRootId: reply.MessageId.ToString()));
        using var restUnknown = await http.PostMessageAsync(room.Id, new SendMessageRequest(
            null, Guid.NewGuid().ToString(), "text", "no", ThreadRootId: Guid.NewGuid().ToString()));
        var threadOfReply = await Assert.ThrowsAsync<HubException>(() => bobHub.GetThreadAsync(room.Id, reply.MessageId));
        var threadOfNothing = await Assert.ThrowsAsync<HubException>(() => bobHub.GetThreadAsync(room.Id, Guid.NewGuid()));
        var threadElsewhere = await Assert.ThrowsAsync<HubException>(() => bobHub.GetThreadAsync(room.Id, elsewhere.MessageId));
        var markReply = await Assert.ThrowsAsync<HubException>(() => bobHub.MarkThreadReadAsync(room.Id, reply.MessageId, reply.Seq));
        var next = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "a fine reply");

        Assert.Equal(["invalid", "invalid", "invalid", "invalid", "not_found"], refusals.Select(m => m[..m.IndexOf(':')]));
        Assert.StartsWith("invalid:", privateReply.Message);
        Assert.StartsWith("invalid:", malformed.Message);
        Assert.StartsWith("forbidden:", fromOutside.Message);
        await ProblemAssert.HasCodeAsync(restReplyOfReply, HttpStatusCode.BadRequest, "invalid");
        await ProblemAssert.HasCodeAsync(restUnknown, HttpStatusCode.NotFound, "not_found");
        Assert.StartsWith("invalid:", threadOfReply.Message);
        Assert.StartsWith("not_found:", threadOfNothing.Message);
        Assert.StartsWith("not_found:", threadElsewhere.Message);
        Assert.StartsWith("invalid:", markReply.Message);
        // No refused reply took a seq.
        Assert.Equal(gone.Seq + 1, next.Seq);
        Assert.Equal(2, (await bobHub.GetThreadAsync(room.Id, root.MessageId)).Root.Thread!.ReplyCount);
    }

    [Fact]
    public async Task A_blocked_repliers_replies_are_left_out_of_the_blockers_thread_while_deleted_replies_stay_counted()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var carolHttp = Node.Http(carol.Token);
        await carolHttp.BlockAsync(bob.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, HubProtocol.Json);
        var root = await carolHub.SendTextAsync(room.Id, "thoughts?");
        var fromBob = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "bob thinks");
        var fromAlice = await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "alice thinks");
        var withdrawn = await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "on second thought");
        await aliceHub.DeleteMessageAsync(room.Id, withdrawn.MessageId);

        var carols = await carolHub.GetThreadAsync(room.Id, root.MessageId);
        var alices = await aliceHub.GetThreadAsync(room.Id, root.MessageId);
        var carolsThreads = await carolHttp.ThreadsAsync(room.Id);

        Assert.Equal([fromAlice.MessageId, withdrawn.MessageId], carols.Replies.Select(r => r.Id));
        Assert.Equal([fromBob.MessageId, fromAlice.MessageId, withdrawn.MessageId], alices.Replies.Select(r => r.Id));
        Assert.True(alices.Replies[^1].Deleted);
        Assert.Equal("", alices.Replies[^1].Content);
        Assert.Equal(3, carols.Root.Thread!.ReplyCount);
        Assert.Equal([alice.Id, bob.Id], carols.Root.Thread.LatestReplierIds);
        // Carol started the thread; of what she has not read, bob's reply is hidden and the deleted one gone.
        Assert.Equal(1, Assert.Single(carolsThreads).UnreadCount);
    }

    [Fact]
    public async Task A_private_rooms_threads_are_not_found_for_outsiders()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        var room = await alice.CreateRoomAsync(Node, isPrivate: true);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var outsiderHub = await HubClient.ConnectAsync(Node, outsider);
        var root = await aliceHub.SendTextAsync(room.Id, "members only");
        await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "still members only");

        var read = await Assert.ThrowsAsync<HubException>(() => outsiderHub.GetThreadAsync(room.Id, root.MessageId));
        var mark = await Assert.ThrowsAsync<HubException>(() => outsiderHub.MarkThreadReadAsync(room.Id, root.MessageId, 1));
        using var http = Node.Http(outsider.Token);
        using var rest = await http.GetThreadAsync(room.Id, root.MessageId);
        using var list = await http.GetAsync(ApiRoutes.Threads(room.Id));

        Assert.StartsWith("not_found:", read.Message);
        Assert.StartsWith("not_found:", mark.Message);
        await ProblemAssert.HasCodeAsync(rest, HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.HasCodeAsync(list, HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>One node on which a user may send a hundred replies in a row.</summary>
    public sealed class ThreadNodeFixture() : NodeFixture(new Dictionary<string, string?>
    {
        ["RateLimits:MessagesPerWindow"] = "1000",
    });
}
