using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Integration;

/// <summary>
/// Rules that wait on time, on a node whose clock the tests move: a deadline is passed by moving
/// the clock over it, not by sleeping until it, and the test checks the rule on both sides of it.
/// </summary>
public sealed class TimedRuleTests(FakeClockNodeFixture fixture) : IClassFixture<FakeClockNodeFixture>
{
    private ChatNode Node => fixture.Node;

    private FakeTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task A_typist_is_shown_to_the_room_never_to_their_own_connections_and_expires_three_seconds_after_the_last_event()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobTyping = await HubClient.ConnectAsync(Node, bob);
        await using var bobOther = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);

        await bobTyping.StartTypingAsync(room.Id);
        var shown = await aliceHub.NextTypingAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        // Already typing: this only extends the entry, and the room hears nothing new.
        await bobTyping.StartTypingAsync(room.Id);
        var lastEvent = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromSeconds(2.5));
        var typingAfterTwoAndAHalfSeconds = (await aliceHub.JoinRoomAsync(room.Id)).TypingUserIds;
        var expired = await Clock.AdvanceUntilAsync(() => aliceHub.NextTypingAsync(FakeClock.StepWait));
        var expiredAfter = Clock.GetUtcNow() - lastEvent;

        Assert.Equal(room.Id, shown.RoomId);
        Assert.Equal([bob.Id], shown.UserIds);
        Assert.Equal([bob.Id], typingAfterTwoAndAHalfSeconds);
        Assert.Equal(room.Id, expired.RoomId);
        Assert.Empty(expired.UserIds);
        Assert.InRange(expiredAfter, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        await Task.WhenAll(bobTyping.FlushAsync(), bobOther.FlushAsync());
        Assert.Empty(bobTyping.DrainTyping());
        Assert.Empty(bobOther.DrainTyping());
    }

    [Fact]
    public async Task A_muted_member_gets_muted_until_the_mute_ends()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var muted = await aliceHttp.MuteAsync(room.Id, bob.Id, durationSeconds: 2).ReadAsync<MemberDto>();

        Assert.NotNull(muted.MutedUntil);
        Assert.Equal(muted, await bobHub.NextMemberUpdateAsync());
        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.SendTextAsync(room.Id, "can anyone hear me?"));
        Assert.StartsWith("muted:", refused.Message);
        Clock.Advance(TimeSpan.FromSeconds(1.9));
        var stillMuted = await Assert.ThrowsAsync<HubException>(() => bobHub.SendTextAsync(room.Id, "still there?"));
        Assert.StartsWith("muted:", stillMuted.Message);
        Clock.Advance(TimeSpan.FromSeconds(0.2));
        var ack = await bobHub.SendTextAsync(room.Id, "I am back");
        // Bob's join is seq 1; the sends refused while he was muted stored nothing.
        Assert.Equal(2, ack.Seq);
    }

    [Fact]
    public async Task An_expired_invitation_is_gone()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var early = await TestUser.RegisterAsync(Node, "early");
        var late = await TestUser.RegisterAsync(Node, "late");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        using var ownerHttp = Node.Http(owner.Token);
        var invitation = await ownerHttp.InviteAsync(room.Id, new CreateInvitationRequest(1, null)).ReadAsync<InvitationDto>(HttpStatusCode.Created);

        Clock.Advance(TimeSpan.FromSeconds(0.9));
        using var earlyHttp = Node.Http(early.Token);
        using var accepted = await earlyHttp.AcceptInvitationAsync(invitation.Token);
        Clock.Advance(TimeSpan.FromSeconds(0.2));
        using var lateHttp = Node.Http(late.Token);
        using var response = await lateHttp.AcceptInvitationAsync(invitation.Token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.Gone, "gone");
    }
}
