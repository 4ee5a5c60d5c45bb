using System.Diagnostics;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Integration;

public sealed class TypingTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_message_from_the_typist_clears_their_typing_before_the_message_arrives()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.StartTypingAsync(room.Id);
        Assert.Equal([bob.Id], (await aliceHub.NextTypingAsync()).UserIds);

        var ack = await bobHub.SendTextAsync(room.Id, "done typing");
        var message = await aliceHub.NextMessageAsync(MessageType.Text);

        Assert.Equal(ack.MessageId, message.Id);
        // Events reach a client in the order sent: the shrunken list is here already.
        var cleared = Assert.Single(aliceHub.DrainTyping());
        Assert.Equal(room.Id, cleared.RoomId);
        Assert.Empty(cleared.UserIds);
        Assert.Empty((await aliceHub.JoinRoomAsync(room.Id)).TypingUserIds);
    }

    [Fact]
    public async Task Stopping_takes_the_typist_out_at_once()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.StartTypingAsync(room.Id);
        await aliceHub.NextTypingAsync();

        var sinceStop = Stopwatch.StartNew();
        await bobHub.StopTypingAsync(room.Id);
        var stopped = await aliceHub.NextTypingAsync();

        Assert.Empty(stopped.UserIds);
        Assert.True(sinceStop.Elapsed < TimeSpan.FromSeconds(2), $"the stop took {sinceStop.Elapsed}, as long as an expiry");
        // Stopping again changes nothing, so the room hears nothing.
        await bobHub.StopTypingAsync(room.Id);
        await aliceHub.FlushAsync();
        Assert.Empty(aliceHub.DrainTyping());
    }

    [Fact]
    public async Task Joining_a_room_shows_who_is_typing_in_the_snapshot()
    {
        var (_, bob, room) = await TestRooms.OfTwoAsync(Node);
        var carol = await TestUser.RegisterAsync(Node, "carol");
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);

        await bobHub.StartTypingAsync(room.Id);
        var snapshot = await carolHub.JoinRoomAsync(room.Id);

        Assert.Equal([bob.Id], snapshot.TypingUserIds);
    }

    [Fact]
    public async Task Typing_in_a_room_with_typing_indicators_off_is_ignored()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node, name: "quiet", settings: new RoomSettings(TypingIndicators: false));
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);

        await bobHub.StartTypingAsync(room.Id);
        var snapshot = await aliceHub.JoinRoomAsync(room.Id);
        await bobHub.StopTypingAsync(room.Id);
        await aliceHub.FlushAsync();

        Assert.False(room.Settings.TypingIndicators);
        Assert.Empty(snapshot.TypingUserIds);
        Assert.Empty(aliceHub.DrainTyping());
    }

    [Fact]
    public async Task Only_members_may_type_and_bad_room_ids_are_refused()
    {
        var (_, _, room) = await TestRooms.OfTwoAsync(Node);
        var carol = await TestUser.RegisterAsync(Node, "carol");
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, HubProtocol.Json);

        var notMember = await Assert.ThrowsAsync<HubException>(() => carolHub.StartTypingAsync(room.Id));
        var notMemberStop = await Assert.ThrowsAsync<HubException>(() => carolHub.StopTypingAsync(room.Id));
        var unknown = await Assert.ThrowsAsync<HubException>(() => carolHub.StartTypingAsync(Guid.NewGuid()));
        var malformed = await Assert.ThrowsAsync<HubException>(() => carolHub.StartTypingAsync("not-a-uuid"));

        Assert.StartsWith("forbidden:", notMember.Message);
        Assert.StartsWith("forbidden:", notMemberStop.Message);
        Assert.StartsWith("not_found:", unknown.Message);
        Assert.Equal("invalid: roomId must be a UUID", malformed.Message);
        Assert.Equal(HubConnectionState.Connected, carolHub.Connection.State);
    }

    [Fact]
    public async Task A_muted_member_may_not_type()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var dataSource = Node.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var mute = dataSource.CreateCommand(
            "insert into room_mutes (room_id, user_id, muted_until) values ($1, $2, now() + interval '1 hour')"))
        {
            mute.Parameters.AddWithValue(room.Id);
            mute.Parameters.AddWithValue(bob.Id);
            Assert.Equal(1, await mute.ExecuteNonQueryAsync());
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.StartTypingAsync(room.Id));
        await aliceHub.FlushAsync();

        Assert.StartsWith("muted:", refused.Message);
        Assert.Empty(aliceHub.DrainTyping());
    }
}
