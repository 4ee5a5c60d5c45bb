using Chat.Contracts;
using Chat.Data;
using Chat.Data.Writing;
using Chat.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>
/// The group-commit writer against the real database: what one batch answers each sender, what a
/// refused row or a lost database does to the others, and what a stop does to queued messages.
/// </summary>
public sealed class BatchedMessageWriterTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private NpgsqlDataSource Database => fixture.Node.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task One_batch_stores_each_message_once_numbers_rooms_apart_and_answers_a_repeat_with_the_first()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var other = await alice.CreateRoomAsync(fixture.Node, name: "other");
        var lastSeq = await LastSeqAsync(room.Id);
        var clientMessageId = Guid.NewGuid();

        var first = Text(room.Id, alice.Id, clientMessageId, "hello");
        var fromBob = Text(room.Id, bob.Id, Guid.NewGuid(), "hi");
        var repeat = Text(room.Id, alice.Id, clientMessageId, "hello");
        var goneRoom = Text(Guid.NewGuid(), alice.Id, Guid.NewGuid(), "nobody home");
        var sameIdElsewhere = Text(other.Id, alice.Id, clientMessageId, "hello there");
        await using var connection = await Database.OpenConnectionAsync();
        var results = (await MessageBatch.WriteAsync(connection, [new(first), new(fromBob), new(repeat), new(goneRoom), new(sameIdElsewhere)], retried: false, CancellationToken.None))
            .Select(a => a.Result).ToArray();

        Assert.Equal((lastSeq + 1, false), (results[0]!.Message.Seq, results[0]!.Duplicate));
        Assert.Equal((lastSeq + 2, false), (results[1]!.Message.Seq, results[1]!.Duplicate));
        Assert.Equal((first.Id, true), (results[2]!.Message.Id, results[2]!.Duplicate));
        Assert.Null(results[3]);
        Assert.Equal((1L, false), (results[4]!.Message.Seq, results[4]!.Duplicate));
        Assert.Equal(lastSeq + 2, await LastSeqAsync(room.Id));
        Assert.Equal(first.SentAt, results[0]!.Message.SentAt);
        Assert.Equal("bob", results[1]!.Message.SenderName);

        // A later batch recognises it too, and takes no seq for it.
        var again = await MessageBatch.WriteAsync(connection, [new(Text(room.Id, alice.Id, clientMessageId, "hello"))], retried: false, CancellationToken.None);
        Assert.Equal((first.Id, true), (again[0].Result!.Message.Id, again[0].Result!.Duplicate));
        Assert.Equal(lastSeq + 2, await LastSeqAsync(room.Id));

        // Also among new messages, before and after it in the batch: they number on without a gap.
        var before = Text(room.Id, bob.Id, Guid.NewGuid(), "before the resend");
        var after = Text(room.Id, bob.Id, Guid.NewGuid(), "after the resend");
        var mixed = await MessageBatch.WriteAsync(
            connection, [new(before), new(Text(room.Id, alice.Id, clientMessageId, "hello")), new(after)], retried: false, CancellationToken.None);
        Assert.Equal((lastSeq + 3, false), (mixed[0].Result!.Message.Seq, mixed[0].Result!.Duplicate));
        Assert.Equal((first.Id, true), (mixed[1].Result!.Message.Id, mixed[1].Result!.Duplicate));
        Assert.Equal((lastSeq + 4, false), (mixed[2].Result!.Message.Seq, mixed[2].Result!.Duplicate));
        Assert.Equal(lastSeq + 4, await LastSeqAsync(room.Id));
        Assert.Equal(
            [lastSeq + 1, lastSeq + 2, lastSeq + 3, lastSeq + 4],
            await connection.QueryAsync<long>("select seq from messages where room_id = @Id and seq > @LastSeq order by seq", new { room.Id, LastSeq = lastSeq }));
    }

    [Fact]
    public async Task A_batch_stored_again_after_its_commit_answers_each_message_with_its_row_and_stores_nothing_twice()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var lastSeq = await LastSeqAsync(room.Id);
        var resent = Text(room.Id, bob.Id, Guid.NewGuid(), "stored before the batch");
        await using var connection = await Database.OpenConnectionAsync();
        await MessageBatch.WriteAsync(connection, [new(resent)], retried: false, CancellationToken.None);
        var clientMessageId = Guid.NewGuid();
        BatchItem[] batch =
        [
            new(Text(room.Id, alice.Id, clientMessageId, "one")),
            new(Text(room.Id, alice.Id, clientMessageId, "one")),
            new(Text(room.Id, alice.Id, clientMessageId: null, "written by the service")),
            new(Text(room.Id, bob.Id, resent.ClientMessageId, "stored before the batch")),
        ];

        // The first call commits, and its answer is lost as far as the writer knows.
        var first = await MessageBatch.WriteAsync(connection, batch, retried: false, CancellationToken.None);
        var again = await MessageBatch.WriteAsync(connection, batch, retried: true, CancellationToken.None);

        Assert.Equal(
            first.Select(o => (o.Result!.Message.Id, o.Result.Message.Seq, o.Result.Duplicate)),
            again.Select(o => (o.Result!.Message.Id, o.Result.Message.Seq, o.Result.Duplicate)));
        Assert.Equal([false, true, false, true], again.Select(o => o.Result!.Duplicate));
        Assert.Equal(lastSeq + 3, await LastSeqAsync(room.Id));
        Assert.Equal(
            [lastSeq + 1, lastSeq + 2, lastSeq + 3],
            await connection.QueryAsync<long>("select seq from messages where room_id = @Id and seq > @LastSeq order by seq", new { room.Id, LastSeq = lastSeq }));

        // A retried call whose earlier try stored nothing stores its messages as usual.
        var fresh = await MessageBatch.WriteAsync(connection, [new(Text(room.Id, bob.Id, Guid.NewGuid(), "new"))], retried: true, CancellationToken.None);
        Assert.Equal((lastSeq + 4, false), (fresh[0].Result!.Message.Seq, fresh[0].Result!.Duplicate));
    }

    [Fact]
    public async Task A_message_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var writer = Writer(Database, maxDelayMilliseconds: 200);
        await writer.StartAsync(CancellationToken.None);
        try
        {
            var lastSeq = await LastSeqAsync(room.Id);
            // An attachment that does not exist breaks the foreign key, as a file deleted a moment
            // before the send would.
            var refused = Text(room.Id, bob.Id, Guid.NewGuid(), "with a missing file") with { AttachmentId = Guid.NewGuid() };
            var sends = new[]
            {
                writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), "one")),
                writer.AppendAsync(refused),
                writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), "two")),
            };

            var failure = await Assert.ThrowsAsync<PostgresException>(() => sends[1]);
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, failure.SqlState);
            Assert.Equal(lastSeq + 1, (await sends[0])!.Message.Seq);
            Assert.Equal(lastSeq + 2, (await sends[2])!.Message.Seq);
            Assert.Equal(lastSeq + 2, await LastSeqAsync(room.Id));
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Each_sender_is_judged_on_the_standing_committed_before_the_batch_and_a_refused_one_fails_alone()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var writer = Writer(Database, maxDelayMilliseconds: 200);
        await writer.StartAsync(CancellationToken.None);
        try
        {
            var lastSeq = await LastSeqAsync(room.Id);
            // Bob leaves just before sending; the batch must see it, not what was true a moment ago.
            await using (var connection = await Database.OpenConnectionAsync())
            {
                await using var leave = new NpgsqlCommand("delete from room_members where room_id = $1 and user_id = $2", connection);
                leave.Parameters.AddWithValue(room.Id);
                leave.Parameters.AddWithValue(bob.Id);
                await leave.ExecuteNonQueryAsync();
            }

            var permission = new MembersOnly();
            var sends = new[]
            {
                writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), "one"), permission),
                writer.AppendAsync(Text(room.Id, bob.Id, Guid.NewGuid(), "from outside"), permission),
                writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), "two"), permission),
            };

            var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => sends[1]);
            Assert.Equal("not a member", refusal.Message);
            Assert.Equal(lastSeq + 1, (await sends[0])!.Message.Seq);
            Assert.Equal(lastSeq + 2, (await sends[2])!.Message.Seq);
            Assert.Equal(lastSeq + 2, await LastSeqAsync(room.Id));
            Assert.Equal(3, permission.Seen.Count);
            Assert.All(permission.Seen.Where(s => s.Member is not null), s => Assert.Equal((alice.Id, RoomRole.Admin), (s.Member!.UserId, s.Member.Role)));
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Batches_stored_side_by_side_number_every_room_in_the_order_queued_without_gaps_or_repeats()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var rooms = new List<Guid> { room.Id };
        for (var i = 0; i < 3; i++)
        {
            var more = await alice.CreateRoomAsync(fixture.Node, name: $"side {i}");
            rooms.Add(more.Id);
        }

        var before = new Dictionary<Guid, long>();
        foreach (var roomId in rooms)
        {
            before[roomId] = await LastSeqAsync(roomId);
        }

        // Batches of three fill at once, so up to four of them are stored side by side.
        var writer = Writer(Database, maxDelayMilliseconds: 1, writers: 4, maxBatchSize: 3);
        await writer.StartAsync(CancellationToken.None);
        try
        {
            // Many small waves, so that several loops are storing batches of the same rooms at once.
            var sends = new List<(Guid RoomId, Task<AppendResult?> Send)>();
            for (var wave = 0; wave < 40; wave++)
            {
                foreach (var roomId in rooms)
                {
                    sends.Add((roomId, writer.AppendAsync(Text(roomId, alice.Id, Guid.NewGuid(), $"w{wave}"))));
                }

                await Task.Yield();
            }

            await Task.WhenAll(sends.Select(s => s.Send));
            foreach (var roomId in rooms)
            {
                // Numbered in the order queued, though later batches of the room were cut while earlier ones were storing.
                var seqs = sends.Where(s => s.RoomId == roomId).Select(s => s.Send.Result!.Message.Seq).ToArray();
                Assert.Equal(Enumerable.Range(1, 40).Select(n => before[roomId] + n), seqs);
                Assert.Equal(before[roomId] + 40, await LastSeqAsync(roomId));
            }
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task When_the_database_cannot_be_reached_every_sender_of_the_batch_gets_the_error()
    {
        // Nothing listens on port 1: opening a connection is refused at once.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=3");
        var writer = Writer(unreachable, maxDelayMilliseconds: 200);
        await writer.StartAsync(CancellationToken.None);
        try
        {
            var roomId = Guid.NewGuid();
            var sends = Enumerable.Range(0, 3).Select(i => writer.AppendAsync(Text(roomId, Guid.NewGuid(), Guid.NewGuid(), $"m{i}"))).ToArray();

            foreach (var send in sends)
            {
                await Assert.ThrowsAnyAsync<NpgsqlException>(() => send);
            }
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stopping_stores_the_messages_already_queued_and_refuses_new_ones()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var writer = Writer(Database, maxDelayMilliseconds: 1000);
        await writer.StartAsync(CancellationToken.None);
        var lastSeq = await LastSeqAsync(room.Id);

        var queued = Enumerable.Range(0, 3).Select(i => writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), $"m{i}"))).ToArray();
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal([lastSeq + 1, lastSeq + 2, lastSeq + 3], (await Task.WhenAll(queued)).Select(r => r!.Message.Seq));
        await Assert.ThrowsAsync<MessageWriterStoppedException>(() => writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), "late")));
    }

    [Fact]
    public async Task A_stop_that_comes_before_the_writer_ever_ran_still_stores_what_was_queued()
    {
        // A host stopping at once after starting may stop the writer before its loop got a thread;
        // here it never started at all, which is the same race taken to its end.
        var (alice, _, room) = await TestRooms.OfTwoAsync(fixture.Node);
        var writer = Writer(Database, maxDelayMilliseconds: 1000);
        var lastSeq = await LastSeqAsync(room.Id);

        var queued = Enumerable.Range(0, 3).Select(i => writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), $"m{i}"))).ToArray();
        await writer.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([lastSeq + 1, lastSeq + 2, lastSeq + 3], (await Task.WhenAll(queued)).Select(r => r!.Message.Seq));
        await Assert.ThrowsAsync<MessageWriterStoppedException>(() => writer.AppendAsync(Text(room.Id, alice.Id, Guid.NewGuid(), "late")));
    }

    private static BatchedMessageWriter Writer(NpgsqlDataSource dataSource, int maxDelayMilliseconds, int writers = 1, int maxBatchSize = 512) => new(
        dataSource,
        TestPipelines.For(dataSource),
        Options.Create(new MessageWriterOptions { MaxDelayMilliseconds = maxDelayMilliseconds, Writers = writers, MaxBatchSize = maxBatchSize }),
        TestMetrics.Create(),
        NullLogger<BatchedMessageWriter>.Instance);

    private static NewMessage Text(Guid roomId, Guid senderId, Guid? clientMessageId, string content)
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new NewMessage(
            Guid.CreateVersion7(), roomId, senderId, clientMessageId, MessageType.Text, content,
            ToUserId: null, ReplyToId: null, AttachmentId: null, Metadata: null, new DateTime(ticks - (ticks % 10), DateTimeKind.Utc));
    }

    private async Task<long> LastSeqAsync(Guid roomId)
    {
        await using var command = Database.CreateCommand("select last_seq from rooms where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = roomId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Allows members only, and keeps what it was shown.</summary>
    private sealed class MembersOnly : ISendPermission
    {
        public List<UserRoomState> Seen { get; } = [];

        public void EnsureAllowed(UserRoomState state)
        {
            Seen.Add(state);
            if (state.Member is null)
            {
                throw new InvalidOperationException("not a member");
            }
        }
    }
}
