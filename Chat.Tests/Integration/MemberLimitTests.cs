using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

public sealed class MemberLimitTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_full_room_refuses_another_member_with_limit_through_both_doors()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var carol = await TestUser.RegisterAsync(Node, "carol");
        using var ownerHttp = Node.Http(owner.Token);
        var room = await owner.CreateRoomAsync(Node, name: "small", settings: new RoomSettings(MaxMembers: 2));
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        using var carolHttp = Node.Http(carol.Token);

        var byHub = await Assert.ThrowsAsync<HubException>(() => carolHub.JoinRoomAsync(room.Id));
        var byRest = await carolHttp.JoinAsync(room.Id);

        Assert.StartsWith("limit:", byHub.Message);
        await ProblemAssert.HasCodeAsync(byRest, HttpStatusCode.TooManyRequests, "limit");
        var members = await ownerHttp.MembersAsync(room.Id);
        Assert.Equal(2, members.Length);
    }

    [Fact]
    public async Task Joins_that_race_for_the_last_places_never_fill_a_room_past_its_cap()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        using var ownerHttp = Node.Http(owner.Token);
        var room = await owner.CreateRoomAsync(Node, name: "race", settings: new RoomSettings(MaxMembers: 3));
        var joiners = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => TestUser.RegisterAsync(Node, $"joiner{i}")));

        // All at once: each sees places left before any of them is stored.
        var answers = await Task.WhenAll(joiners.Select(async joiner =>
        {
            using var http = Node.Http(joiner.Token);
            return (await http.JoinAsync(room.Id)).StatusCode;
        }));

        Assert.Equal(2, answers.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(8, answers.Count(status => status == HttpStatusCode.TooManyRequests));
        var members = await ownerHttp.MembersAsync(room.Id);
        Assert.Equal(3, members.Length);
    }
}
