using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Contracts;
using Chat.Data.Writing;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Integration;

/// <summary>
/// What senders notice of how messages are stored, the same with group commit and with one
/// transaction per message: every ack is a stored message, seqs have no gaps, resends are
/// recognised.
/// </summary>
public sealed class MessageWriterTests(WriterModesFixture fixture) : IClassFixture<WriterModesFixture>
{
    private const int SendsPerSender = 24;

    [Theory]
    [InlineData(MessageWriteMode.Batched)]
    [InlineData(MessageWriteMode.PerMessage)]
    public async Task Many_senders_in_several_rooms_at_once_each_get_acks_for_stored_messages_with_gap_free_seqs_in_their_order(MessageWriteMode mode)
    {
        var node = fixture.Node(mode);
        var owner = await TestUser.RegisterAsync(node, "owner");
        var rooms = new List<RoomDto>();
        for (var r = 0; r < 3; r++)
        {
            rooms.Add(await owner.CreateRoomAsync(node, name: $"busy-{r}"));
        }

        var senders = new List<(TestUser User, HubClient Client)>();
        for (var s = 0; s < 10; s++)
        {
            var user = await TestUser.RegisterAsync(node, $"sender{s}");
            await using (var join = await HubClient.ConnectAsync(node, user))
            {
                foreach (var room in rooms)
                {
                    await join.JoinRoomAsync(room.Id);
                }
            }

            senders.Add((user, await HubClient.ConnectAsync(node, user)));
        }

        try
        {
            // Each sender sends one message after another, and all senders at the same time.
            var sent = await Task.WhenAll(senders.Select(async (sender, s) =>
            {
                var acks = new List<(Guid RoomId, string Content, MessageAck Ack)>();
                for (var i = 0; i < SendsPerSender; i++)
                {
                    var room = rooms[(s + i) % rooms.Count];
                    var content = $"sender {s} message {i}";
                    acks.Add((room.Id, content, await sender.Client.SendTextAsync(room.Id, content)));
                }

                return (sender.User, Acks: acks);
            }));

            var allAcks = sent.SelectMany(x => x.Acks).ToList();
            Assert.Equal(senders.Count * SendsPerSender, allAcks.Select(a => a.Ack.MessageId).Distinct().Count());
            Assert.All(allAcks, a => Assert.False(a.Ack.Duplicate));

            using var http = node.Http(owner.Token);
            foreach (var room in rooms)
            {
                var history = await http.HistoryAsync(room.Id, afterSeq: 0, limit: 200);
                // Joins are stored messages too: the whole log counts 1, 2, 3, ... with no gap.
                Assert.Equal(Enumerable.Range(1, history.Length).Select(i => (long)i), history.Select(m => m.Seq));
                var acked = allAcks.Where(a => a.RoomId == room.Id).ToList();
                Assert.Equal(acked.Count, history.Count(m => m.Type == MessageType.Text));
                foreach (var (_, content, ack) in acked)
                {
                    var stored = Assert.Single(history, m => m.Id == ack.MessageId);
                    Assert.Equal(ack.Seq, stored.Seq);
                    Assert.Equal(content, stored.Content);
                }
            }

            foreach (var (user, acks) in sent)
            {
                foreach (var inRoom in acks.GroupBy(a => a.RoomId))
                {
                    var seqs = inRoom.Select(a => a.Ack.Seq).ToList();
                    Assert.Equal(seqs.Order(), seqs);
                }
            }
        }
        finally
        {
            foreach (var (_, client) in senders)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(MessageWriteMode.Batched)]
    [InlineData(MessageWriteMode.PerMessage)]
    public async Task A_resend_made_together_with_the_first_send_or_later_returns_the_first_message_and_delivers_it_once(MessageWriteMode mode)
    {
        var node = fixture.Node(mode);
        var (alice, bob, room) = await TestRooms.OfTwoAsync(node);
        await using var phone = await HubClient.ConnectAsync(node, alice);
        await using var laptop = await HubClient.ConnectAsync(node, alice);
        await using var bobClient = await HubClient.ConnectAsync(node, bob);
        var clientMessageId = Guid.NewGuid();

        // Sent at the same moment from two connections: with group commit both land in one batch.
        var together = await Task.WhenAll(
            phone.SendTextAsync(room.Id, "only once", clientMessageId),
            laptop.SendTextAsync(room.Id, "only once", clientMessageId));
        var later = await phone.SendTextAsync(room.Id, "only once", clientMessageId);

        var first = Assert.Single(together, a => !a.Duplicate);
        Assert.All(together.Append(later), ack =>
        {
            Assert.Equal(first.MessageId, ack.MessageId);
            Assert.Equal(first.Seq, ack.Seq);
            Assert.Equal(first.SentAt, ack.SentAt);
        });
        Assert.True(later.Duplicate);

        var marker = await phone.SendTextAsync(room.Id, "after the resends");
        Assert.Equal(first.Seq + 1, marker.Seq);
        Assert.Equal(first.MessageId, (await bobClient.NextMessageAsync(MessageType.Text)).Id);
        Assert.Equal(marker.MessageId, (await bobClient.NextMessageAsync(MessageType.Text)).Id);
    }

    [Theory]
    [InlineData(MessageWriteMode.Batched)]
    [InlineData(MessageWriteMode.PerMessage)]
    public async Task Sends_made_without_waiting_for_each_ack_are_stored_and_delivered_in_the_order_they_were_sent(MessageWriteMode mode)
    {
        var node = fixture.Node(mode);
        var (alice, bob, room) = await TestRooms.OfTwoAsync(node);
        await using var aliceClient = await HubClient.ConnectAsync(node, alice);
        await using var bobClient = await HubClient.ConnectAsync(node, bob);

        // Private messages are checked against the database before they are queued, the texts
        // after them are not: sent in one go, the texts must still wait their turn.
        var sends = new List<(string Content, Task<MessageAck> Ack)>();
        for (var i = 0; i < 12; i++)
        {
            var content = $"in order {i}";
            sends.Add((content, i % 4 == 0
                ? aliceClient.SendPrivateAsync(room.Id, bob.Id, content)
                : aliceClient.SendTextAsync(room.Id, content)));
        }

        var acks = await Task.WhenAll(sends.Select(s => s.Ack));
        var seqs = acks.Select(a => a.Seq).ToArray();
        Assert.Equal(Enumerable.Range(0, seqs.Length).Select(i => seqs[0] + i), seqs);

        var received = new List<string>();
        for (var i = 0; i < sends.Count; i++)
        {
            received.Add((await bobClient.NextMessageAsync()).Content);
        }

        // Every message reached bob; each arrives with its seq, which gives the order to show.
        Assert.Equal(sends.Select(s => s.Content).Order(), received.Order());
    }

    [Theory]
    [InlineData(MessageWriteMode.Batched)]
    [InlineData(MessageWriteMode.PerMessage)]
    public async Task A_send_made_right_after_a_join_without_waiting_for_it_finds_the_sender_a_member(MessageWriteMode mode)
    {
        var node = fixture.Node(mode);
        var owner = await TestUser.RegisterAsync(node, "owner");
        var room = await owner.CreateRoomAsync(node, name: "walk-in");
        var dave = await TestUser.RegisterAsync(node, "dave");
        await using var daveClient = await HubClient.ConnectAsync(node, dave);

        var join = daveClient.JoinRoomAsync(room.Id);
        var send = daveClient.SendTextAsync(room.Id, "hello, just walked in");

        await join;
        var ack = await send;
        Assert.False(ack.Duplicate);
    }

    [Fact]
    public async Task Sends_made_without_waiting_for_each_ack_are_stored_together_instead_of_one_commit_each()
    {
        var node = fixture.Node(MessageWriteMode.Batched);
        var (alice, _, room) = await TestRooms.OfTwoAsync(node);
        await using var aliceClient = await HubClient.ConnectAsync(node, alice);

        // This node's batch sizes only: other classes' nodes run in the same process.
        var meters = node.Services.GetRequiredService<IMeterFactory>();
        var batches = new ConcurrentQueue<int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "chat.writer.batch_size")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) => batches.Enqueue(size));
        listener.Start();

        const int sends = 8;
        await Task.WhenAll(Enumerable.Range(0, sends).Select(i => aliceClient.SendTextAsync(room.Id, $"together {i}")));

        // One call at a time per connection would make it a commit per message, each send read
        // only after the one before it was stored.
        Assert.Equal(sends, batches.Sum());
        Assert.True(batches.Count < sends, $"batches of {string.Join(", ", batches)}");
    }
}
