using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Bots;

/// <summary>
/// The scripted bot replies in a room: the reply starts as a streaming message, grows by
/// <c>MessageStreaming</c> parts with gap-free indexes, and ends with <c>MessageUpdated</c>; it is
/// stored with its parts, private when asked in private, and stops when the asker says so.
/// </summary>
public sealed class BotReplyTests(BotReplyTests.BotNodeFixture fixture) : IClassFixture<BotReplyTests.BotNodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_mention_gets_a_reply_that_streams_to_the_room_and_is_stored_complete()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);

        var trigger = await aliceHub.SendTextAsync(room.Id, "@helper how are you today");
        var started = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, started.Id, Wait);
        using var http = Node.Http(bob.Token);
        var stored = (await http.HistoryAsync(room.Id)).Single(m => m.Id == started.Id);

        Assert.Equal(MessageStatus.Streaming, started.Status);
        Assert.Equal(trigger.MessageId, started.ReplyToId);
        Assert.Equal(trigger.Seq + 1, started.Seq);
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.Index));
        Assert.All(parts, p => Assert.Equal(PartKinds.TextDelta, p.Kind));
        Assert.Equal("You said: @helper how are you today", string.Concat(parts.Select(p => p.Text)));
        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal("You said: @helper how are you today", final.Content);
        Assert.Equal(MessageStatus.Complete, stored.Status);
        Assert.Equal(final.Content, stored.Content);
        Assert.Equal([new MessagePartDto(PartKinds.Text, Text: final.Content)], stored.Parts);
        Assert.Equal(parts.Count - 1, stored.StreamIndex);
    }

    [Fact]
    public async Task A_message_without_a_mention_gets_no_reply_unless_the_room_says_all()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        await aliceHub.SendTextAsync(room.Id, "just talking, helper");
        var quiet = await Assert.ThrowsAsync<TimeoutException>(() => BotNode.NextFromAsync(bobHub, bot.Id, TimeSpan.FromSeconds(2)));
        using var http = Node.Http(alice.Token);
        await http.PutSettingsAsync(room.Id, room.Settings with { BotReplies = BotReplies.All }).ExpectSuccessAsync();
        await aliceHub.SendTextAsync(room.Id, "anyone");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);

        Assert.NotNull(quiet);
        Assert.Equal(MessageStatus.Streaming, reply.Status);
    }

    [Fact]
    public async Task Asked_for_the_time_the_bot_calls_its_tool_and_the_call_and_result_stream_and_are_stored()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        await aliceHub.SendTextAsync(room.Id, "@helper what time is it?");
        var started = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, started.Id, Wait);

        Assert.Equal(PartKinds.ToolCall, parts[0].Kind);
        Assert.Equal("current_time", parts[0].Name);
        Assert.Equal(PartKinds.ToolResult, parts[1].Kind);
        Assert.Equal(parts[0].CallId, parts[1].CallId);
        Assert.False(parts[1].IsError);
        Assert.EndsWith("UTC", parts[1].Result);
        Assert.Equal($"The time is {parts[1].Result}.", final.Content);
        Assert.Equal([PartKinds.ToolCall, PartKinds.ToolResult, PartKinds.Text], final.Parts!.Select(p => p.Kind));
    }

    [Fact]
    public async Task A_private_question_gets_a_private_answer_that_other_members_never_see()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        await aliceHub.SendPrivateAsync(room.Id, bot.Id, "a secret question");
        var reply = await BotNode.NextFromAsync(aliceHub, bot.Id, Wait);
        var (_, final) = await BotNode.StreamOfAsync(aliceHub, reply.Id, Wait);
        await aliceHub.SendTextAsync(room.Id, "after the secret");
        await bobHub.NextMessageAsync(MessageType.Text, Wait);
        await bobHub.FlushAsync();
        using var http = Node.Http(bob.Token);
        var bobsHistory = await http.HistoryAsync(room.Id);

        Assert.Equal(alice.Profile.Id, reply.ToUserId);
        Assert.Equal("You said: a secret question", final.Content);
        Assert.DoesNotContain(bobHub.DrainMessages(), m => m.SenderId == bot.Id && m.Type == MessageType.Text);
        Assert.Empty(bobHub.DrainStreaming());
        Assert.DoesNotContain(bobsHistory, m => m.SenderId == bot.Id && m.Type == MessageType.Text);
    }

    [Fact]
    public async Task The_asker_stops_a_reply_and_it_ends_cancelled_with_its_text_so_far_while_another_member_may_not()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        await aliceHub.SendTextAsync(room.Id, "@helper " + string.Join(' ', Enumerable.Repeat("word", 400)));
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        await bobHub.NextStreamingAsync(Wait);
        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.StopReplyAsync(room.Id, reply.Id));
        await aliceHub.StopReplyAsync(room.Id, reply.Id);
        var final = await BotNode.NextUpdateOfAsync(bobHub, reply.Id, Wait);
        using var http = Node.Http(bob.Token);
        var stored = (await http.HistoryAsync(room.Id)).Single(m => m.Id == reply.Id);

        Assert.StartsWith("forbidden:", refused.Message);
        Assert.Equal(MessageStatus.Cancelled, final.Status);
        Assert.StartsWith("You said:", final.Content);
        Assert.True(final.Content.Length < 400 * 5, "stopped long before the end");
        Assert.Equal(MessageStatus.Cancelled, stored.Status);
        Assert.Equal(final.Content, stored.Content);
    }

    [Fact]
    public async Task A_member_who_reconnects_mid_reply_gets_it_so_far_from_sync_and_the_rest_as_parts_after_it()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var bobHub = await HubClient.ConnectAsync(Node, bob);
        await aliceHub.SendTextAsync(room.Id, "@helper " + string.Join(' ', Enumerable.Repeat("more", 60)));
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        await bobHub.NextStreamingAsync(Wait);
        await bobHub.DisposeAsync();
        // Long enough for the reply to be stored with some of its text.
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        await using var again = await HubClient.ConnectAsync(Node, bob);
        var first = await SyncedAsync(again, reply);
        // As a client does: apply the part right after what it holds; one further on means some
        // went out before this connection was back in the room, so it asks Sync again.
        var (text, applied, resyncs) = (first.Content, first.StreamIndex ?? -1, 0);
        while (true)
        {
            MessageStreamingEvent part;
            try
            {
                part = await again.NextStreamingAsync(TimeSpan.FromSeconds(3));
            }
            catch (TimeoutException)
            {
                break;
            }

            if (part.Index == applied + 1)
            {
                (text, applied) = (text + part.Text, part.Index);
            }
            else if (part.Index > applied + 1)
            {
                var synced = await SyncedAsync(again, reply);
                (text, applied, resyncs) = (synced.Content, synced.StreamIndex ?? -1, resyncs + 1);
            }
        }

        var final = await BotNode.NextUpdateOfAsync(again, reply.Id, Wait);

        Assert.Equal(MessageStatus.Streaming, first.Status);
        Assert.NotEmpty(first.Content);
        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal(final.Content, text);
        Assert.InRange(resyncs, 0, 10);
    }

    private static async Task<MessageDto> SyncedAsync(HubClient client, MessageDto reply) =>
        (await client.SyncAsync(reply.RoomId, reply.Seq - 1)).Rooms.Single().Messages.Single(m => m.Id == reply.Id);

    [Fact]
    public async Task Only_a_room_admin_adds_a_bot_and_an_unknown_bot_is_not_found()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        using var bobHttp = Node.Http(bob.Token);
        using var aliceHttp = Node.Http(alice.Token);

        await bobHttp.RemoveBotAsync(room.Id, bot.Id).ExpectAsync(HttpStatusCode.Forbidden);
        await aliceHttp.AddBotAsync(room.Id, "nobody").ExpectAsync(HttpStatusCode.NotFound);
        await aliceHttp.RemoveBotAsync(room.Id, bot.Id).ExpectAsync(HttpStatusCode.NoContent);
        var members = await aliceHttp.MembersAsync(room.Id);

        Assert.DoesNotContain(members, m => m.UserId == bot.Id);
        Assert.Equal(GlobalRole.Bot, bot.Role);
    }

    /// <summary>One node with the bot, shared by the tests of this class.</summary>
    public sealed class BotNodeFixture : NodeFixture
    {
        public BotNodeFixture()
            : base(BotNode.Settings())
        {
        }
    }
}
