using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>The scripted bot asked in a thread answers in that thread.</summary>
public sealed class BotThreadTests(BotReplyTests.BotNodeFixture fixture) : IClassFixture<BotReplyTests.BotNodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_bot_mentioned_in_a_thread_reply_streams_its_answer_into_the_same_thread()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        var root = await aliceHub.SendTextAsync(room.Id, "release notes, anyone?");

        var trigger = await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "@helper draft them");
        var started = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (_, final) = await BotNode.StreamOfAsync(bobHub, started.Id, Wait);
        var thread = await bobHub.GetThreadAsync(room.Id, root.MessageId);
        var history = await bobHub.GetHistoryAsync(room.Id);

        Assert.Equal((root.MessageId, trigger.MessageId), (started.ThreadRootId, started.ReplyToId));
        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal(root.MessageId, final.ThreadRootId);
        Assert.Equal([trigger.MessageId, started.Id], thread.Replies.Select(r => r.Id));
        Assert.Equal(2, thread.Root.Thread!.ReplyCount);
        Assert.Equal([bot.Id, alice.Id], thread.Root.Thread.LatestReplierIds);
        Assert.DoesNotContain(history, m => m.SenderId == bot.Id && m.Type == MessageType.Text);
    }

    [Fact]
    public async Task A_bot_mention_in_the_main_list_is_found_once_and_answered_there()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        await aliceHub.SendTextAsync(room.Id, "@Helper, and @helper again: hello");
        var trigger = await bobHub.NextMessageAsync(MessageType.Text, Wait);
        var started = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        await BotNode.StreamOfAsync(bobHub, started.Id, Wait);
        await Task.Delay(500);
        await bobHub.FlushAsync();

        Assert.Equal([bot.Id], trigger.Mentions);
        Assert.Null(started.ThreadRootId);
        // One reply: the two mentions are one.
        Assert.DoesNotContain(bobHub.DrainMessages(), m => m.SenderId == bot.Id);
    }
}
