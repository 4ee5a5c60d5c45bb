using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        var created = await ownerHttp.PostAsJsonAsync(
            "api/rooms", new CreateRoomRequest("small", null, false, new RoomSettings(MaxMembers: 2)), Json.Options);
        var room = (await created.Content.ReadFromJsonAsync<RoomDto>(Json.Options))!;
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        using var carolHttp = Node.Http(carol.Token);

        var byHub = await Assert.ThrowsAsync<HubException>(() => carolHub.JoinRoomAsync(room.Id));
        var byRest = await carolHttp.PostAsync($"api/rooms/{room.Id}/members", null);

        Assert.StartsWith("limit:", byHub.Message);
        Assert.Equal(HttpStatusCode.TooManyRequests, byRest.StatusCode);
        using var problem = JsonDocument.Parse(await byRest.Content.ReadAsStringAsync());
        Assert.Equal("limit", problem.RootElement.GetProperty("code").GetString());
        var members = await ownerHttp.GetFromJsonAsync<MemberDto[]>($"api/rooms/{room.Id}/members", Json.Options);
        Assert.Equal(2, members!.Length);
    }

    [Fact]
    public async Task Joins_that_race_for_the_last_places_never_fill_a_room_past_its_cap()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        using var ownerHttp = Node.Http(owner.Token);
        var created = await ownerHttp.PostAsJsonAsync(
            "api/rooms", new CreateRoomRequest("race", null, false, new RoomSettings(MaxMembers: 3)), Json.Options);
        var room = (await created.Content.ReadFromJsonAsync<RoomDto>(Json.Options))!;
        var joiners = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => TestUser.RegisterAsync(Node, $"joiner{i}")));

        // All at once: each sees places left before any of them is stored.
        var answers = await Task.WhenAll(joiners.Select(async joiner =>
        {
            using var http = Node.Http(joiner.Token);
            return (await http.PostAsync($"api/rooms/{room.Id}/members", null)).StatusCode;
        }));

        Assert.Equal(2, answers.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(8, answers.Count(status => status == HttpStatusCode.TooManyRequests));
        var members = await ownerHttp.GetFromJsonAsync<MemberDto[]>($"api/rooms/{room.Id}/members", Json.Options);
        Assert.Equal(3, members!.Length);
    }
}
