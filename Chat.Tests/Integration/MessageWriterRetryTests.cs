using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// The message writer's connection breaks right after PostgreSQL committed a batch, before the
/// node heard so: the writer tries the batch again, and the retry must neither store the
/// message twice nor answer it as a resend (which would never be delivered).
/// </summary>
public sealed class MessageWriterRetryTests(RelayedNodeFixture fixture) : IClassFixture<RelayedNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_send_whose_commit_was_never_answered_is_stored_once_acked_and_delivered_once()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var before = await aliceHub.SendTextAsync(room.Id, "before the cut");
        await bobHub.NextMessageAsync(MessageType.Text);
        var clientMessageId = Guid.NewGuid();

        fixture.Relay.CutAfterNextCommit();
        var ack = await aliceHub.SendTextAsync(room.Id, "through the cut", clientMessageId);

        Assert.Equal(1, fixture.Relay.Cuts);
        Assert.False(ack.Duplicate);
        Assert.Equal(before.Seq + 1, ack.Seq);
        var delivered = await bobHub.NextMessageAsync(MessageType.Text);
        Assert.Equal((ack.MessageId, ack.Seq, "through the cut"), (delivered.Id, delivered.Seq, delivered.Content));
        await bobHub.FlushAsync();
        Assert.Empty(bobHub.DrainMessages());
        Assert.Equal(1L, await fixture.ScalarAsync<long>("select count(*) from messages where client_message_id = @Id", ("Id", clientMessageId)));
        Assert.Equal(ack.Seq, await fixture.ScalarAsync<long>("select last_seq from rooms where id = @Id", ("Id", room.Id)));

        // The client, had it lost the ack, would send again: that is a resend of the stored message.
        var resend = await aliceHub.SendTextAsync(room.Id, "through the cut", clientMessageId);
        Assert.Equal((ack.MessageId, ack.Seq, true), (resend.MessageId, resend.Seq, resend.Duplicate));
    }
}
