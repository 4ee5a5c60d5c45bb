using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Cluster;

public sealed class ModerationClusterTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    [Fact]
    public async Task A_user_kicked_on_one_node_misses_the_very_next_message_on_the_other_node()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeA, "bob");
        var carol = await TestUser.RegisterAsync(cluster.NodeA, "carol");
        var room = await alice.CreateRoomAsync(cluster.NodeA);
        await using var aliceOnA = await HubClient.ConnectAsync(cluster.NodeA, alice);
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);
        await using var carolOnB = await HubClient.ConnectAsync(cluster.NodeB, carol);
        await bobOnB.JoinRoomAsync(room.Id);
        await carolOnB.JoinRoomAsync(room.Id);
        await aliceOnA.NextJoinAsync();
        await aliceOnA.NextJoinAsync();

        using var aliceHttp = cluster.NodeA.Http(alice.Token);
        await aliceHttp.KickAsync(room.Id, bob.Id, "spam").ExpectAsync(HttpStatusCode.NoContent);
        bobOnB.DrainMessages();
        var sent = await aliceOnA.SendTextAsync(room.Id, "after the kick");

        // Carol, on Bob's node, hearing the message means that node has handled it; a round trip
        // on Bob's connection then flushes anything already on the way to him.
        var leave = await carolOnB.NextMessageAsync(MessageType.Leave);
        Assert.Equal(sent.MessageId, (await carolOnB.NextMessageAsync(MessageType.Text)).Id);
        await bobOnB.FlushAsync();
        Assert.DoesNotContain(bobOnB.DrainMessages(), m => m.Type == MessageType.Text);
        var removal = await bobOnB.NextRemovalAsync();
        Assert.Equal(new RemovedFromRoomEvent(room.Id, RemovalReason.Kicked, alice.Id), removal);
        Assert.Equal(bob.Id, (await aliceOnA.NextLeaveAsync()).UserId);
        Assert.Equal(bob.Id, leave.SenderId);
        Assert.EndsWith("was removed", leave.Content);
        var refused = await Assert.ThrowsAsync<HubException>(() => bobOnB.SendTextAsync(room.Id, "am I still here?"));
        Assert.StartsWith("forbidden:", refused.Message);
    }

    [Fact]
    public async Task A_mute_and_a_ban_set_on_one_node_hold_on_the_other_through_leaving_rejoining_and_invitations()
    {
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        var bob = await TestUser.RegisterAsync(cluster.NodeA, "bob");
        var carol = await TestUser.RegisterAsync(cluster.NodeA, "carol");
        var room = await alice.CreateRoomAsync(cluster.NodeA, isPrivate: true);
        using var aliceHttp = cluster.NodeA.Http(alice.Token);
        var invitation = await aliceHttp.InviteAsync(room.Id, new CreateInvitationRequest(3600, MaxUses: 5)).ReadAsync<InvitationDto>();
        using var bobHttp = cluster.NodeB.Http(bob.Token);
        using var carolHttp = cluster.NodeB.Http(carol.Token);
        await bobHttp.AcceptInvitationAsync(invitation.Token).ExpectSuccessAsync();
        await carolHttp.AcceptInvitationAsync(invitation.Token).ExpectSuccessAsync();
        await using var bobOnB = await HubClient.ConnectAsync(cluster.NodeB, bob);

        await aliceHttp.MuteAsync(room.Id, bob.Id, durationSeconds: 3600).ExpectAsync(HttpStatusCode.OK);
        await aliceHttp.BanAsync(room.Id, carol.Id).ExpectAsync(HttpStatusCode.NoContent);
        await bobOnB.LeaveRoomAsync(room.Id);
        await bobHttp.AcceptInvitationAsync(invitation.Token).ExpectSuccessAsync();
        var send = await Assert.ThrowsAsync<HubException>(() => bobOnB.SendTextAsync(room.Id, "a fresh start?"));
        using var overRest = await bobHttp.PostMessageAsync(room.Id, new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "over rest?"));
        using var carolBack = await carolHttp.AcceptInvitationAsync(invitation.Token);

        Assert.StartsWith("muted:", send.Message);
        await ProblemAssert.HasCodeAsync(overRest, HttpStatusCode.Forbidden, ErrorCodes.Muted);
        await ProblemAssert.HasCodeAsync(carolBack, HttpStatusCode.Forbidden, ErrorCodes.Banned);
    }
}
