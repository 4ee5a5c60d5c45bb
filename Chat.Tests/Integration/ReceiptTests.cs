using System.Diagnostics;
using System.Net;
using Chat.Contracts;
using Chat.Hubs.Receipts;
using Chat.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Integration;

public sealed class ReceiptTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Read_pointer_moves_forward_only_others_hear_each_move_and_the_row_is_stored()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.MessagePack);
        await bobHub.JoinRoomAsync(room.Id);
        var sent = new List<MessageAck>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await aliceHub.SendTextAsync(room.Id, $"message {i}"));
        }

        await bobHub.MarkReadAsync(room.Id, sent[1].Seq);
        var read = await aliceHub.NextReceiptAsync();
        Assert.Equal(room.Id, read.RoomId);
        Assert.Equal(bob.Id, read.UserId);
        Assert.Equal(sent[1].Seq, read.ReadSeq);
        Assert.Equal(sent[1].Seq, read.DeliveredSeq);
        Assert.NotNull(read.ReadAt);
        Assert.Equal(DateTimeKind.Utc, read.ReadAt.Value.Kind);

        // Lower or equal marks are ignored without a word: the next receipt alice hears is the
        // delivery that moved, and it keeps the read pointer and its time.
        await bobHub.MarkReadAsync(room.Id, sent[0].Seq);
        await bobHub.MarkReadAsync(room.Id, sent[1].Seq);
        await bobHub.MarkDeliveredAsync(room.Id, sent[1].Seq);
        await bobHub.MarkDeliveredAsync(room.Id, sent[2].Seq);
        var delivered = await aliceHub.NextReceiptAsync();
        Assert.Equal((sent[2].Seq, sent[1].Seq, read.ReadAt), (delivered.DeliveredSeq, delivered.ReadSeq, delivered.ReadAt));

        // Past the room's last seq is clamped to it.
        await bobHub.MarkReadAsync(room.Id, 1_000_000L);
        var clamped = await aliceHub.NextReceiptAsync();
        Assert.Equal((sent[2].Seq, sent[2].Seq), (clamped.DeliveredSeq, clamped.ReadSeq));
        Assert.True(clamped.ReadAt > read.ReadAt);

        // Bob's own connection hears his receipts too (his other devices follow along).
        Assert.Equal(read, await bobHub.NextReceiptOfAsync(bob.Id));
        Assert.Equal(delivered, await bobHub.NextReceiptOfAsync(bob.Id));
        Assert.Equal(clamped, await bobHub.NextReceiptOfAsync(bob.Id));

        var row = await PollStoredAsync(room.Id, bob.Id, r => r.ReadSeq == sent[2].Seq);
        Assert.Equal((sent[2].Seq, sent[2].Seq, clamped.ReadAt), (row.DeliveredSeq, row.ReadSeq, row.ReadAt));
        Assert.Empty(aliceHub.DrainReceipts());
    }

    [Fact]
    public async Task Unread_count_drops_as_soon_as_mark_read_returns()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await bobHub.JoinRoomAsync(room.Id);
        var sent = new List<MessageAck>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await aliceHub.SendTextAsync(room.Id, $"message {i}"));
        }

        using var http = Node.Http(bob.Token);
        Assert.Equal(3, await UnreadAsync(http, room.Id));

        await bobHub.MarkReadAsync(room.Id, sent[1].Seq);
        Assert.Equal(1, await UnreadAsync(http, room.Id));

        await bobHub.MarkReadAsync(room.Id, sent[2].Seq);
        Assert.Equal(0, await UnreadAsync(http, room.Id));
    }

    [Fact]
    public async Task Receipts_and_the_room_snapshot_show_pointers_before_they_are_written()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);
        var last = await aliceHub.SendTextAsync(room.Id, "read me");

        await bobHub.MarkReadAsync(room.Id, last.Seq);
        await aliceHub.MarkDeliveredAsync(room.Id, last.Seq - 1);

        using var http = Node.Http(alice.Token);
        var receipts = await http.ReceiptsAsync(room.Id);
        Assert.Equal(2, receipts.Length);
        var ofBob = Assert.Single(receipts, r => r.UserId == bob.Id);
        var ofAlice = Assert.Single(receipts, r => r.UserId == alice.Id);
        Assert.Equal((last.Seq, last.Seq), (ofBob.DeliveredSeq, ofBob.ReadSeq));
        Assert.NotNull(ofBob.ReadAt);
        Assert.Equal((last.Seq - 1, 0L, (DateTime?)null), (ofAlice.DeliveredSeq, ofAlice.ReadSeq, ofAlice.ReadAt));

        var snapshot = await bobHub.JoinRoomAsync(room.Id);
        Assert.Equal(ofBob, snapshot.MyReceipt);
        Assert.Equal(last.Seq, snapshot.LastSeq);
    }

    [Fact]
    public async Task Only_members_see_receipts()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var publicRoom = await owner.CreateRoomAsync(Node);
        var privateRoom = await owner.CreateRoomAsync(Node, isPrivate: true);
        using var http = Node.Http(stranger.Token);

        var ofPublic = await http.GetAsync(ApiRoutes.Receipts(publicRoom.Id));
        var ofPrivate = await http.GetAsync(ApiRoutes.Receipts(privateRoom.Id));
        var ofNothing = await http.GetAsync(ApiRoutes.Receipts(Guid.NewGuid()));

        await ProblemAssert.HasCodeAsync(ofPublic, HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.HasCodeAsync(ofPrivate, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, ofNothing.StatusCode);
    }

    [Fact]
    public async Task Bad_marks_are_refused_with_a_code_and_the_connection_stays_open()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var room = await owner.CreateRoomAsync(Node);
        await using var ownerHub = await HubClient.ConnectAsync(Node, owner, HubProtocol.Json);
        await using var strangerHub = await HubClient.ConnectAsync(Node, stranger);

        var negative = await Assert.ThrowsAsync<HubException>(() => ownerHub.MarkReadAsync(room.Id, -1L));
        var badId = await Assert.ThrowsAsync<HubException>(() => ownerHub.MarkDeliveredAsync("room-1", 1L));
        var notMember = await Assert.ThrowsAsync<HubException>(() => strangerHub.MarkReadAsync(room.Id, 1L));
        var noRoom = await Assert.ThrowsAsync<HubException>(() => strangerHub.MarkReadAsync(Guid.NewGuid(), 1L));

        Assert.Equal("invalid: seq must not be negative", negative.Message);
        Assert.Equal("invalid: roomId must be a UUID", badId.Message);
        Assert.StartsWith("forbidden:", notMember.Message);
        Assert.StartsWith("not_found:", noRoom.Message);
        Assert.Equal(HubConnectionState.Connected, ownerHub.Connection.State);
        Assert.Equal(HubConnectionState.Connected, strangerHub.Connection.State);
    }

    [Fact]
    public async Task A_storm_of_500_marks_from_several_connections_ends_at_the_right_pointers_in_few_writes()
    {
        const int messages = 100;
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);
        var readers = new List<(TestUser User, HubClient Even, HubClient Odd)>();
        for (var i = 0; i < 5; i++)
        {
            var user = await TestUser.RegisterAsync(Node, $"reader{i}");
            var even = await HubClient.ConnectAsync(Node, user, HubProtocol.MessagePack);
            var odd = await HubClient.ConnectAsync(Node, user, HubProtocol.Json);
            await even.JoinRoomAsync(room.Id);
            readers.Add((user, even, odd));
        }

        try
        {
            await using var ownerHub = await HubClient.ConnectAsync(Node, owner);
            var acks = new List<MessageAck>();
            for (var i = 0; i < messages; i++)
            {
                acks.Add(await ownerHub.SendTextAsync(room.Id, $"busy {i}"));
            }

            var lastSeq = acks[^1].Seq;
            var buffer = Node.Services.GetRequiredService<ReceiptBuffer>();
            var flushesBefore = buffer.FlushCount;
            var started = Stopwatch.StartNew();

            // Each reader marks every message as read, odd ones on one connection and even ones
            // on the other, all readers at once: 500 marks, most of them moving a pointer.
            await Task.WhenAll(readers.SelectMany(r => new[]
            {
                MarkAllAsync(r.Even, room.Id, acks.Where(a => a.Seq % 2 == 0)),
                MarkAllAsync(r.Odd, room.Id, acks.Where(a => a.Seq % 2 == 1)),
            }));

            foreach (var (user, _, _) in readers)
            {
                var row = await PollStoredAsync(room.Id, user.Id, r => r.ReadSeq == lastSeq);
                Assert.Equal(lastSeq, row.DeliveredSeq);
            }

            // Coalesced: at most one statement per flush interval (plus the one in progress), however
            // many marks arrived, and far fewer statements than marks.
            var flushes = buffer.FlushCount - flushesBefore;
            var intervals = (long)(started.Elapsed / TimeSpan.FromMilliseconds(new ReceiptOptions().FlushIntervalMilliseconds));
            Assert.True(flushes >= 1 && flushes <= intervals + 2, $"{flushes} flushes in {started.Elapsed}");
            Assert.True(flushes <= 100, $"{flushes} flushes for 500 marks");
        }
        finally
        {
            foreach (var (_, even, odd) in readers)
            {
                await even.DisposeAsync();
                await odd.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Pointers_still_pending_are_written_when_the_node_stops_gracefully()
    {
        var connectionString = await TestServers.CreateDatabaseAsync();
        try
        {
            // A flush interval far longer than the test: only the stop can write the pointers.
            var node = ChatNode.Start(connectionString, extra: new Dictionary<string, string?> { ["Receipts:FlushIntervalMilliseconds"] = "60000" });
            TestUser bob;
            Guid roomId;
            long lastSeq;
            await using (node)
            {
                var alice = await TestUser.RegisterAsync(node, "alice");
                bob = await TestUser.RegisterAsync(node, "bob");
                roomId = (await alice.CreateRoomAsync(node)).Id;
                await using var aliceHub = await HubClient.ConnectAsync(node, alice);
                await using var bobHub = await HubClient.ConnectAsync(node, bob);
                await bobHub.JoinRoomAsync(roomId);
                lastSeq = (await aliceHub.SendTextAsync(roomId, "read before the stop")).Seq;
                await bobHub.MarkReadAsync(roomId, lastSeq);
                Assert.Equal(1, node.Services.GetRequiredService<ReceiptBuffer>().PendingCount);
            }

            var row = await StoredAsync(connectionString, roomId, bob.Id);
            Assert.Equal((lastSeq, lastSeq), (row!.DeliveredSeq, row.ReadSeq));
            Assert.NotNull(row.ReadAt);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task MarkAllAsync(HubClient client, Guid roomId, IEnumerable<MessageAck> acks)
    {
        foreach (var ack in acks)
        {
            await client.MarkReadAsync(roomId, ack.Seq);
        }
    }

    private static async Task<int?> UnreadAsync(HttpClient http, Guid roomId)
    {
        var rooms = await http.RoomsAsync();
        return Assert.Single(rooms, r => r.Id == roomId).UnreadCount;
    }

    /// <summary>The stored receipt row, read straight from PostgreSQL until it satisfies <paramref name="done"/>.</summary>
    private async Task<StoredReceipt> PollStoredAsync(Guid roomId, Guid userId, Func<StoredReceipt, bool> done)
    {
        var connectionString = Node.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var row = await StoredAsync(connectionString, roomId, userId);
            if (row is not null && done(row))
            {
                return row;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The stored receipt is still {row}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<StoredReceipt?> StoredAsync(string connectionString, Guid roomId, Guid userId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.QuerySingleOrDefaultAsync<StoredReceipt>(
            "select delivered_seq as DeliveredSeq, read_seq as ReadSeq, read_at as ReadAt from room_members where room_id = @RoomId and user_id = @UserId",
            new { RoomId = roomId, UserId = userId });
    }

    private sealed record StoredReceipt
    {
        public long DeliveredSeq { get; init; }
        public long ReadSeq { get; init; }
        public DateTime? ReadAt { get; init; }
    }
}
