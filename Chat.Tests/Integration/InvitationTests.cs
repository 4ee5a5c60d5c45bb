using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

public sealed class InvitationTests(RoomsNodeFixture fixture) : IClassFixture<RoomsNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Accepting_an_invitation_joins_a_private_room_and_the_open_connection_hears_its_next_message()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var guest = await TestUser.RegisterAsync(Node, "guest");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        await using var ownerHub = await HubClient.ConnectAsync(Node, owner);
        await using var guestHub = await HubClient.ConnectAsync(Node, guest);
        var invitation = await InviteAsync(owner, room.Id, 3600, maxUses: 5);

        using var response = await AcceptAsync(guest, invitation.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var member = (await response.Content.ReadFromJsonAsync<MemberDto>(Json.Options))!;
        Assert.Equal((room.Id, guest.Id, RoomRole.Member), (member.RoomId, member.UserId, member.Role));
        var joined = await ownerHub.NextJoinAsync();
        Assert.Equal(guest.Id, joined.User.Id);
        await ownerHub.SendTextAsync(room.Id, "welcome in");
        var heard = await guestHub.NextMessageAsync(MessageType.Text);
        Assert.Equal("welcome in", heard.Content);
        Assert.Equal(1, await fixture.ScalarAsync<int>("select uses from room_invitations where room_id = @r", ("r", room.Id)));
    }

    [Fact]
    public async Task The_token_is_long_and_random_and_only_its_hash_is_stored()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);

        var first = await InviteAsync(owner, room.Id, 3600, null);
        var second = await InviteAsync(owner, room.Id, 3600, null);

        Assert.NotEqual(first.Token, second.Token);
        Assert.True(first.Token.Length >= 22, "at least 128 bits in base64url");
        Assert.Null(first.MaxUses);
        var stored = await fixture.ScalarAsync<long>(
            "select count(*) from room_invitations where room_id = @r and token_hash = sha256(convert_to(@t, 'UTF8'))",
            ("r", room.Id), ("t", first.Token));
        Assert.Equal(1, stored);
    }

    [Fact]
    public async Task A_single_use_invitation_is_gone_for_the_second_user()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var first = await TestUser.RegisterAsync(Node, "first");
        var second = await TestUser.RegisterAsync(Node, "second");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        var invitation = await InviteAsync(owner, room.Id, 3600, maxUses: 1);

        using var accepted = await AcceptAsync(first, invitation.Token);
        using var again = await AcceptAsync(first, invitation.Token);
        using var refused = await AcceptAsync(second, invitation.Token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await ProblemAssert.HasCodeAsync(refused, HttpStatusCode.Gone, "gone");
    }

    [Fact]
    public async Task An_unknown_token_is_404_not_found()
    {
        var user = await TestUser.RegisterAsync(Node, "user");

        using var response = await AcceptAsync(user, "bm90LWEtcmVhbC10b2tlbi1hdC1hbGw");

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Six_users_accepting_a_three_use_invitation_at_once_let_exactly_three_in()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        var invitation = await InviteAsync(owner, room.Id, 3600, maxUses: 3);
        var users = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => TestUser.RegisterAsync(Node, $"rush{i}")));

        var responses = await Task.WhenAll(users.Select(u => AcceptAsync(u, invitation.Token)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Gone));
        Assert.Equal(4, await fixture.ScalarAsync<long>("select count(*) from room_members where room_id = @r", ("r", room.Id)));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_banned_user_cannot_come_back_by_invitation()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var banned = await TestUser.RegisterAsync(Node, "banned");
        var room = await owner.CreateRoomAsync(Node);
        await fixture.ExecuteAsync(
            "insert into room_bans (room_id, user_id, banned_by, banned_at) values (@r, @u, @b, now())",
            ("r", room.Id), ("u", banned.Id), ("b", owner.Id));
        var invitation = await InviteAsync(owner, room.Id, 3600, null);

        using var response = await AcceptAsync(banned, invitation.Token);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.Forbidden, "banned");
        Assert.Equal(0, await fixture.ScalarAsync<int>("select uses from room_invitations where room_id = @r", ("r", room.Id)));
    }

    [Fact]
    public async Task Only_moderators_and_admins_invite_to_a_private_room_but_any_member_to_a_public_one()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var member = await TestUser.RegisterAsync(Node, "member");
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        var privateRoom = await owner.CreateRoomAsync(Node, isPrivate: true);
        var publicRoom = await owner.CreateRoomAsync(Node);
        var invitation = await InviteAsync(owner, privateRoom.Id, 3600, null);
        (await AcceptAsync(member, invitation.Token)).Dispose();
        await member.JoinAsync(Node, publicRoom.Id);

        using var privateByMember = await PostInvitationAsync(member, privateRoom.Id, new CreateInvitationRequest(3600));
        using var publicByMember = await PostInvitationAsync(member, publicRoom.Id, new CreateInvitationRequest(3600));
        using var publicByOutsider = await PostInvitationAsync(outsider, publicRoom.Id, new CreateInvitationRequest(3600));

        await ProblemAssert.HasCodeAsync(privateByMember, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Created, publicByMember.StatusCode);
        await ProblemAssert.HasCodeAsync(publicByOutsider, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData(0, null, "expiresInSeconds")]
    [InlineData(30 * 86_400 + 1, null, "expiresInSeconds")]
    [InlineData(3600, 0, "maxUses")]
    public async Task Out_of_range_lifetimes_and_uses_are_400_with_the_field_named(int expiresInSeconds, int? maxUses, string field)
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);

        using var response = await PostInvitationAsync(owner, room.Id, new CreateInvitationRequest(expiresInSeconds, maxUses));

        var problem = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors names {field}");
    }

    [Fact]
    public async Task A_full_room_refuses_the_invitation_with_limit_and_keeps_its_use()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var second = await TestUser.RegisterAsync(Node, "second");
        var third = await TestUser.RegisterAsync(Node, "third");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        using (var http = Node.Http(owner.Token))
        {
            await http.PutSettingsAsync(room.Id, new RoomSettings(MaxMembers: 2)).ExpectSuccessAsync();
        }

        var invitation = await InviteAsync(owner, room.Id, 3600, null);
        (await AcceptAsync(second, invitation.Token)).Dispose();

        using var response = await AcceptAsync(third, invitation.Token);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.TooManyRequests, "limit");
        Assert.Equal(1, await fixture.ScalarAsync<int>("select uses from room_invitations where room_id = @r", ("r", room.Id)));
    }

    [Fact]
    public async Task Moderators_list_and_revoke_invitations_and_a_revoked_token_is_unknown()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var member = await TestUser.RegisterAsync(Node, "member");
        var late = await TestUser.RegisterAsync(Node, "late");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        var kept = await InviteAsync(owner, room.Id, 3600, null);
        var revoked = await InviteAsync(owner, room.Id, 3600, maxUses: 5);
        (await AcceptAsync(member, revoked.Token)).Dispose();
        using var asOwner = Node.Http(owner.Token);
        using var asMember = Node.Http(member.Token);

        var listed = (await asOwner.GetFromJsonAsync<InvitationSummaryDto[]>(ApiRoutes.Invitations(room.Id), Json.Options))!;
        using var byMember = await asMember.GetAsync(ApiRoutes.Invitations(room.Id));
        using var revoke = await asOwner.DeleteAsync($"{ApiRoutes.Invitations(room.Id)}/{revoked.Id}");
        using var revokeAgain = await asOwner.DeleteAsync($"{ApiRoutes.Invitations(room.Id)}/{revoked.Id}");
        using var afterRevoke = await AcceptAsync(late, revoked.Token);

        Assert.Equal([revoked.Id, kept.Id], listed.Select(i => i.Id));
        Assert.Equal([1, 0], listed.Select(i => i.Uses));
        Assert.All(listed, i => Assert.Equal(owner.Id, i.CreatedBy));
        await ProblemAssert.HasCodeAsync(byMember, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await ProblemAssert.HasCodeAsync(revokeAgain, HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.HasCodeAsync(afterRevoke, HttpStatusCode.NotFound, "not_found");
        Assert.Equal([kept.Id], (await asOwner.GetFromJsonAsync<InvitationSummaryDto[]>(ApiRoutes.Invitations(room.Id), Json.Options))!.Select(i => i.Id));
    }

    [Fact]
    public async Task An_invitation_works_only_while_its_creator_may_still_invite()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var dave = await TestUser.RegisterAsync(Node, "dave");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        (await AcceptAsync(bob, (await InviteAsync(owner, room.Id, 3600, null)).Token)).Dispose();
        using var asOwner = Node.Http(owner.Token);
        await asOwner.ChangeRoleAsync(room.Id, bob.Id, "moderator").ExpectAsync(HttpStatusCode.OK);
        var bobs = await InviteAsync(bob, room.Id, 3600, null);

        await asOwner.ChangeRoleAsync(room.Id, bob.Id, "member").ExpectAsync(HttpStatusCode.OK);
        using var whileMember = await AcceptAsync(carol, bobs.Token);
        await asOwner.ChangeRoleAsync(room.Id, bob.Id, "moderator").ExpectAsync(HttpStatusCode.OK);
        using var whileModerator = await AcceptAsync(dave, bobs.Token);

        await ProblemAssert.HasCodeAsync(whileMember, HttpStatusCode.Gone, "gone");
        Assert.Equal(HttpStatusCode.OK, whileModerator.StatusCode);
    }

    private Task<InvitationDto> InviteAsync(TestUser user, Guid roomId, int expiresInSeconds, int? maxUses) =>
        PostInvitationAsync(user, roomId, new CreateInvitationRequest(expiresInSeconds, maxUses)).ReadAsync<InvitationDto>(HttpStatusCode.Created);

    private async Task<HttpResponseMessage> PostInvitationAsync(TestUser user, Guid roomId, CreateInvitationRequest request)
    {
        using var http = Node.Http(user.Token);
        return await http.InviteAsync(roomId, request);
    }

    private async Task<HttpResponseMessage> AcceptAsync(TestUser user, string token)
    {
        using var http = Node.Http(user.Token);
        return await http.AcceptInvitationAsync(token);
    }
}
