using System.Threading.Channels;
using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Client;

/// <summary>Threads through the typed .NET clients: replies, pages, read pointers and catching up on missed replies.</summary>
public sealed class ThreadClientTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task The_typed_clients_reply_in_a_thread_read_it_and_mark_it_read()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceClient = await ClientFactory.ConnectAsync(Node.Address, alice);
        var bobRest = ClientFactory.Rest(Node.Address, bob.Token);
        await aliceClient.JoinRoomAsync(room.Id);
        var root = await aliceClient.SendTextAsync(room.Id, "a root");

        var overRest = await bobRest.SendThreadReplyAsync(room.Id, root.MessageId, "over rest");
        var overHub = await aliceClient.SendThreadReplyAsync(room.Id, root.MessageId, "over the hub", alsoToRoom: true);
        var page = await aliceClient.GetThreadAsync(room.Id, root.MessageId);
        var restPage = await bobRest.GetThreadAsync(room.Id, root.MessageId, afterSeq: overRest.Seq);
        await aliceClient.MarkThreadReadAsync(room.Id, root.MessageId, overHub.Seq);
        var mine = await ClientFactory.Rest(Node.Address, alice.Token).GetMyThreadsAsync(room.Id);

        Assert.Equal([overRest.MessageId, overHub.MessageId], page.Replies.Select(r => r.Id));
        Assert.Equal([false, true], page.Replies.Select(r => r.AlsoToRoom));
        Assert.Equal([overHub.MessageId], restPage.Replies.Select(r => r.Id));
        Assert.Equal(overRest.Seq, restPage.LastReadSeq);
        var thread = Assert.Single(mine);
        Assert.Equal((root.MessageId, overHub.Seq, 0), (thread.Root.Id, thread.LastReadSeq, thread.UnreadCount));
    }

    [Fact]
    public async Task A_thread_reply_missed_while_away_is_recovered_in_seq_order_with_the_rest()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var received = Channel.CreateUnbounded<MessageDto>();
        await using var bobClient = new ChatClient(ClientFactory.Options(Node.Address, bob.Token));
        bobClient.MessageReceived += m => received.Writer.WriteAsync(m).AsTask();
        await bobClient.StartAsync();
        await bobClient.JoinRoomAsync(room.Id);
        var root = await aliceHub.SendTextAsync(room.Id, "root");
        Assert.Equal(root.MessageId, (await ReadAsync(received)).Id);

        await bobClient.StopAsync();
        var reply = await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "in the thread");
        var after = await aliceHub.SendTextAsync(room.Id, "in the room");
        await bobClient.StartAsync();
        await bobClient.CatchUpAsync();

        var recovered = new[] { await ReadAsync(received), await ReadAsync(received) };
        Assert.Equal([reply.MessageId, after.MessageId], recovered.Select(m => m.Id));
        Assert.Equal(root.MessageId, recovered[0].ThreadRootId);
    }

    private static async Task<MessageDto> ReadAsync(Channel<MessageDto> channel)
    {
        using var deadline = new CancellationTokenSource(Wait);
        return await channel.Reader.ReadAsync(deadline.Token);
    }
}
