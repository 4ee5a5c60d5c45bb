using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// History pages and <c>Sync</c> answers are bounded in size as well as in count; a client that
/// pages on from where an answer ends still gets every message once.
/// </summary>
public sealed class AnswerSizeTests(SmallAnswersNodeFixture fixture) : IClassFixture<SmallAnswersNodeFixture>
{
    // About 6 KB in UTF-8: two fit in the node's 16 KiB answers, three do not.
    private static readonly string Large = new('€', 2000);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Sync_stops_at_the_size_says_hasMore_and_paging_on_gets_every_message_once()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        for (var i = 0; i < 6; i++)
        {
            await aliceHub.SendTextAsync(room.Id, Large);
        }

        var first = Assert.Single((await aliceHub.SyncAsync(room.Id, afterSeq: 0)).Rooms);
        var seen = new List<long>(first.Messages.Select(m => m.Seq));
        var pages = 1;
        for (var last = first; last.HasMore; pages++)
        {
            last = Assert.Single((await aliceHub.SyncAsync(room.Id, afterSeq: seen[^1])).Rooms);
            Assert.NotEmpty(last.Messages);
            seen.AddRange(last.Messages.Select(m => m.Seq));
        }

        Assert.True(first.HasMore);
        Assert.InRange(first.Messages.Count, 1, 3);
        Assert.Equal(Enumerable.Range(1, 7).Select(s => (long)s), seen);
        Assert.InRange(pages, 3, 7);
    }

    [Fact]
    public async Task A_history_page_keeps_its_newest_messages_within_the_size_and_paging_back_gets_the_rest()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        for (var i = 0; i < 6; i++)
        {
            await aliceHub.SendTextAsync(room.Id, Large);
        }

        var newest = await aliceHub.GetHistoryAsync(room.Id, limit: 50);
        var seen = new List<long>(newest.Select(m => m.Seq));
        while (seen[0] > 1)
        {
            var older = await aliceHub.GetHistoryAsync(room.Id.ToString(), beforeSeq: seen[0], limit: 50);
            Assert.NotEmpty(older);
            seen.InsertRange(0, older.Select(m => m.Seq));
        }

        using var http = Node.Http(alice.Token);
        var oldest = await http.HistoryAsync(room.Id, afterSeq: 0, limit: 50);

        Assert.Equal([6, 7], newest.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 7).Select(s => (long)s), seen);
        Assert.Equal([1, 2, 3], oldest.Select(m => m.Seq));
    }
}
