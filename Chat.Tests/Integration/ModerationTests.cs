using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

public sealed class ModerationTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_ban_removes_the_user_at_once_survives_reconnect_and_blocks_every_join_until_lifted()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);
        await aliceHub.NextJoinAsync();

        await aliceHttp.BanAsync(room.Id, bob.Id, "spam").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(new RemovedFromRoomEvent(room.Id, RemovalReason.Banned, alice.Id), await bobHub.NextRemovalAsync());
        Assert.Equal(bob.Id, (await aliceHub.NextLeaveAsync()).UserId);
        Assert.EndsWith("was banned", (await aliceHub.NextMessageAsync(MessageType.Leave)).Content);
        await bobHub.DisposeAsync();

        await using var bobAgain = await HubClient.ConnectAsync(Node, bob);
        var sent = await aliceHub.SendTextAsync(room.Id, "bob is banned");
        await bobAgain.FlushAsync();
        Assert.DoesNotContain(bobAgain.DrainMessages(), m => m.Id == sent.MessageId);
        var hubJoin = await Assert.ThrowsAsync<HubException>(() => bobAgain.JoinRoomAsync(room.Id));
        var send = await Assert.ThrowsAsync<HubException>(() => bobAgain.SendTextAsync(room.Id, "let me back"));
        Assert.StartsWith("banned:", hubJoin.Message);
        Assert.StartsWith("banned:", send.Message);
        using (var restJoin = await bobHttp.JoinAsync(room.Id))
        {
            await ProblemAssert.HasCodeAsync(restJoin, HttpStatusCode.Forbidden, "banned");
        }

        await aliceHttp.UnbanAsync(room.Id, bob.Id).ExpectAsync(HttpStatusCode.NoContent);

        var member = await bobHttp.JoinAsync(room.Id).ReadAsync<MemberDto>();
        Assert.Equal(RoomRole.Member, member.Role);
        var snapshot = await bobAgain.JoinRoomAsync(room.Id);
        Assert.Contains(snapshot.Members, m => m.UserId == bob.Id);
    }

    [Fact]
    public async Task A_user_banned_before_joining_cannot_join_and_an_unknown_user_cannot_be_banned()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);

        await aliceHttp.BanAsync(room.Id, bob.Id).ExpectAsync(HttpStatusCode.NoContent);
        await aliceHttp.BanAsync(room.Id, Guid.NewGuid()).ExpectAsync(HttpStatusCode.NotFound);

        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var join = await Assert.ThrowsAsync<HubException>(() => bobHub.JoinRoomAsync(room.Id));
        Assert.StartsWith("banned:", join.Message);
    }

    [Fact]
    public async Task Unmuting_lets_the_member_speak_at_once()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);
        await aliceHttp.MuteAsync(room.Id, bob.Id, durationSeconds: 3600).ExpectAsync(HttpStatusCode.OK);
        var refused = await Assert.ThrowsAsync<HubException>(() => bobHub.SendTextAsync(room.Id, "hello?"));

        var unmuted = await aliceHttp.UnmuteAsync(room.Id, bob.Id).ReadAsync<MemberDto>();

        Assert.StartsWith("muted:", refused.Message);
        Assert.Null(unmuted.MutedUntil);
        var sent = await bobHub.SendTextAsync(room.Id, "thanks");
        Assert.Equal(sent.MessageId, (await aliceHub.NextMessageAsync(MessageType.Text)).Id);
        Assert.NotNull((await aliceHub.NextMemberUpdateAsync()).MutedUntil);
        Assert.Null((await aliceHub.NextMemberUpdateAsync()).MutedUntil);
    }

    [Fact]
    public async Task A_role_change_is_broadcast_to_the_room_and_takes_effect_at_once()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        await bobHttp.JoinAsync(room.Id).ExpectAsync(HttpStatusCode.OK);
        await carolHub.JoinRoomAsync(room.Id);

        var promoted = await aliceHttp.ChangeRoleAsync(room.Id, bob.Id, "moderator").ReadAsync<MemberDto>();

        Assert.Equal(RoomRole.Moderator, promoted.Role);
        var heard = await carolHub.NextMemberUpdateAsync();
        Assert.Equal((bob.Id, RoomRole.Moderator), (heard.UserId, heard.Role));
        await bobHttp.MuteAsync(room.Id, carol.Id, 60).ExpectAsync(HttpStatusCode.OK);
        await bobHttp.MuteAsync(room.Id, alice.Id, 60).ExpectAsync(HttpStatusCode.Forbidden);
        await bobHttp.KickAsync(room.Id, alice.Id).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Role_changes_keep_an_admin_and_refuse_bad_roles_and_non_members()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        await bobHttp.JoinAsync(room.Id).ExpectAsync(HttpStatusCode.OK);

        using var lastAdmin = await aliceHttp.ChangeRoleAsync(room.Id, alice.Id, "member");
        using var badRole = await aliceHttp.ChangeRoleAsync(room.Id, bob.Id, "owner");
        using var nonMember = await aliceHttp.ChangeRoleAsync(room.Id, stranger.Id, "moderator");

        await ProblemAssert.HasCodeAsync(lastAdmin, HttpStatusCode.Conflict, "conflict");
        await ProblemAssert.HasCodeAsync(badRole, HttpStatusCode.BadRequest, "invalid");
        await ProblemAssert.HasCodeAsync(nonMember, HttpStatusCode.NotFound, "not_found");

        // With a second admin, the first may step down.
        await aliceHttp.ChangeRoleAsync(room.Id, bob.Id, "admin").ExpectAsync(HttpStatusCode.OK);
        var stepped = await aliceHttp.ChangeRoleAsync(room.Id, alice.Id, "member").ReadAsync<MemberDto>();
        Assert.Equal(RoomRole.Member, stepped.Role);
        await bobHttp.ChangeRoleAsync(room.Id, bob.Id, "guest").ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Mute_durations_outside_one_second_to_one_year_and_moderating_oneself_are_invalid()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        await bobHttp.JoinAsync(room.Id).ExpectAsync(HttpStatusCode.OK);

        await aliceHttp.MuteAsync(room.Id, bob.Id, 0).ExpectAsync(HttpStatusCode.BadRequest);
        await aliceHttp.MuteAsync(room.Id, bob.Id, 31_536_001).ExpectAsync(HttpStatusCode.BadRequest);
        await aliceHttp.MuteAsync(room.Id, bob.Id, 31_536_000).ExpectAsync(HttpStatusCode.OK);
        await aliceHttp.MuteAsync(room.Id, alice.Id, 60).ExpectAsync(HttpStatusCode.BadRequest);
        await aliceHttp.KickAsync(room.Id, alice.Id).ExpectAsync(HttpStatusCode.BadRequest);
        await aliceHttp.BanAsync(room.Id, alice.Id).ExpectAsync(HttpStatusCode.BadRequest);
        await aliceHttp.KickAsync(Guid.NewGuid(), bob.Id).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_kick_without_a_body_removes_the_member_who_may_then_join_again()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);

        // The kick route, posted with no body at all.
        await aliceHttp.PostAsync(ApiRoutes.Kick(room.Id, bob.Id), null).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(RemovalReason.Kicked, (await bobHub.NextRemovalAsync()).Reason);
        await aliceHttp.KickAsync(room.Id, bob.Id).ExpectAsync(HttpStatusCode.NotFound);
        var snapshot = await bobHub.JoinRoomAsync(room.Id);
        Assert.Contains(snapshot.Members, m => m.UserId == bob.Id && m.Role == RoomRole.Member);
    }

    [Fact]
    public async Task A_mute_holds_through_leaving_and_joining_again_and_covers_edits_reactions_and_typing()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var earlier = await bobHub.SendTextAsync(room.Id, "before the mute");
        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.MuteAsync(room.Id, bob.Id, durationSeconds: 3600).ExpectAsync(HttpStatusCode.OK);

        var edit = await Assert.ThrowsAsync<HubException>(() => bobHub.EditMessageAsync(room.Id, earlier.MessageId, "now spam"));
        var reaction = await Assert.ThrowsAsync<HubException>(() => bobHub.AddReactionAsync(room.Id, earlier.MessageId, "\U0001F44D"));
        await bobHub.LeaveRoomAsync(room.Id);
        var rejoined = await bobHub.JoinRoomAsync(room.Id);
        var send = await Assert.ThrowsAsync<HubException>(() => bobHub.SendTextAsync(room.Id, "a fresh start?"));
        var typing = await Assert.ThrowsAsync<HubException>(() => bobHub.StartTypingAsync(room.Id));
        await aliceHttp.UnmuteAsync(room.Id, bob.Id).ExpectAsync(HttpStatusCode.OK);
        var after = await bobHub.SendTextAsync(room.Id, "thank you");

        Assert.All(new[] { edit, reaction, send, typing }, refused => Assert.StartsWith("muted:", refused.Message));
        Assert.NotNull(Assert.Single(rejoined.Members, m => m.UserId == bob.Id).MutedUntil);
        Assert.Equal("before the mute", Assert.Single(await bobHub.GetHistoryAsync(room.Id), m => m.Id == earlier.MessageId).Content);
        Assert.False(after.Duplicate);
    }
}
