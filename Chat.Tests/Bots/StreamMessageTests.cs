using Chat.Contracts;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Bots;

/// <summary>
/// A service streams a message it produces through <c>Chat.Client</c>'s <c>StreamMessageAsync</c>
/// (SignalR client-to-server streaming): members see it start, grow and end as they see a bot's
/// reply; a repeated stream is a duplicate, a bad part ends the message with its error, and a
/// muted member may not stream.
/// </summary>
public sealed class StreamMessageTests(BotReplyTests.BotNodeFixture fixture) : IClassFixture<BotReplyTests.BotNodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_streamed_message_reaches_members_part_by_part_and_is_stored_whole_once()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var service = await ClientFactory.ConnectAsync(Node.Address, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var clientMessageId = Guid.NewGuid();

        var ack = await service.StreamMessageAsync(room.Id, Parts(TimeSpan.FromMilliseconds(100),
            new StreamPart(PartKinds.TextDelta, Text: "Checking "),
            new StreamPart(PartKinds.ToolCall, CallId: "c1", Name: "lookup", Arguments: "{\"q\":\"weather\"}"),
            new StreamPart(PartKinds.ToolResult, CallId: "c1", Result: "sunny"),
            new StreamPart(PartKinds.TextDelta, Text: "it is sunny.")), clientMessageId);
        var started = await bobHub.NextMessageAsync(Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, ack.MessageId, Wait);
        var again = await service.StreamMessageAsync(room.Id, Parts(TimeSpan.Zero, new StreamPart(PartKinds.TextDelta, Text: "twice?")), clientMessageId);
        using var http = Node.Http(bob.Token);
        var stored = (await http.HistoryAsync(room.Id)).Where(m => m.SenderId == alice.Profile.Id && m.Type == MessageType.Text).ToList();

        Assert.Equal((ack.MessageId, MessageStatus.Streaming), (started.Id, started.Status));
        Assert.Equal([PartKinds.TextDelta, PartKinds.ToolCall, PartKinds.ToolResult, PartKinds.TextDelta], parts.Select(p => p.Kind));
        Assert.Equal(Enumerable.Range(0, 4), parts.Select(p => p.Index));
        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal("Checking it is sunny.", final.Content);
        Assert.Equal([PartKinds.Text, PartKinds.ToolCall, PartKinds.ToolResult, PartKinds.Text], final.Parts!.Select(p => p.Kind));
        Assert.True(again.Duplicate);
        Assert.Equal(ack.MessageId, again.MessageId);
        Assert.Equal([ack.MessageId], stored.Select(m => m.Id));
    }

    [Fact]
    public async Task A_part_of_no_known_kind_ends_the_message_with_invalid_and_keeps_what_came_before()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var service = await ClientFactory.ConnectAsync(Node.Address, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var ack = await service.StreamMessageAsync(room.Id, Parts(TimeSpan.Zero,
            new StreamPart(PartKinds.TextDelta, Text: "fine so far"),
            new StreamPart("explode")));
        var final = await BotNode.NextUpdateOfAsync(bobHub, ack.MessageId, Wait);

        Assert.Equal(MessageStatus.Error, final.Status);
        Assert.Equal(ErrorCodes.Invalid, final.Error?.Code);
        Assert.Equal("fine so far", final.Content);
    }

    [Fact]
    public async Task A_service_streams_a_reply_into_a_thread_which_keeps_it_out_of_the_main_list_and_counts_it()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var service = await ClientFactory.ConnectAsync(Node.Address, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var root = await bobHub.SendTextAsync(room.Id, "what is the weather?");

        var ack = await service.StreamThreadReplyAsync(room.Id, root.MessageId, Parts(TimeSpan.FromMilliseconds(50),
            new StreamPart(PartKinds.TextDelta, Text: "Sunny, "),
            new StreamPart(PartKinds.TextDelta, Text: "all day.")));
        var started = await bobHub.NextThreadReplyAsync(root.MessageId, Wait);
        var final = await BotNode.NextUpdateOfAsync(bobHub, ack.MessageId, Wait);
        var page = await bobHub.GetThreadAsync(room.Id, root.MessageId);
        var mainList = await bobHub.GetHistoryAsync(room.Id);
        using var aliceHttp = Node.Http(alice.Token);
        var alicesThreads = await aliceHttp.ThreadsAsync(room.Id);

        Assert.Equal((ack.MessageId, MessageStatus.Streaming), (started.Id, started.Status));
        Assert.Equal((root.MessageId, MessageStatus.Complete, "Sunny, all day."), (final.ThreadRootId, final.Status, final.Content));
        Assert.Equal([ack.MessageId], page.Replies.Select(r => r.Id));
        Assert.Equal((1, ack.Seq), (page.Root.Thread!.ReplyCount, page.Root.Thread.LastReplySeq));
        Assert.DoesNotContain(mainList, m => m.Id == ack.MessageId);
        // The streaming service takes part in the thread it answered in.
        Assert.Equal([root.MessageId], alicesThreads.Select(t => t.Root.Id));
    }

    [Fact]
    public async Task A_stream_under_a_reply_an_unknown_message_or_one_of_another_room_is_refused_before_it_starts()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var (carol, _, otherRoom) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var root = await bobHub.SendTextAsync(room.Id, "root");
        var reply = await bobHub.SendThreadReplyAsync(room.Id, root.MessageId, "a reply");
        var elsewhere = await carolHub.SendTextAsync(otherRoom.Id, "another room's");

        Task<MessageAck> StreamUnder(Guid rootId) => aliceHub.Connection.InvokeAsync<MessageAck>(
            nameof(IChatHub.StreamMessage),
            new StreamMessageRequest(room.Id.ToString(), Guid.NewGuid().ToString(), ThreadRootId: rootId.ToString()),
            Parts(TimeSpan.Zero, new StreamPart(PartKinds.TextDelta, Text: "under it")));
        var underReply = await Assert.ThrowsAsync<HubException>(() => StreamUnder(reply.MessageId));
        var underUnknown = await Assert.ThrowsAsync<HubException>(() => StreamUnder(Guid.NewGuid()));
        var underOtherRoom = await Assert.ThrowsAsync<HubException>(() => StreamUnder(elsewhere.MessageId));
        await bobHub.FlushAsync();

        Assert.StartsWith("invalid:", underReply.Message);
        Assert.StartsWith("not_found:", underUnknown.Message);
        Assert.StartsWith("invalid:", underOtherRoom.Message);
        // Nothing was started: bob heard no message of alice's.
        Assert.DoesNotContain(bobHub.DrainMessages(), m => m.SenderId == alice.Profile.Id);
    }

    [Fact]
    public async Task A_muted_member_may_not_stream()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.MuteAsync(room.Id, bob.Profile.Id, durationSeconds: 3600).ExpectSuccessAsync();
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.Connection.InvokeAsync<MessageAck>(
            nameof(IChatHub.StreamMessage),
            new StreamMessageRequest(room.Id.ToString(), Guid.NewGuid().ToString()),
            Parts(TimeSpan.Zero, new StreamPart(PartKinds.TextDelta, Text: "let me speak"))));

        Assert.StartsWith("muted:", refused.Message);
    }

    private static async IAsyncEnumerable<StreamPart> Parts(TimeSpan pause, params StreamPart[] parts)
    {
        foreach (var part in parts)
        {
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }

            yield return part;
        }
    }
}
