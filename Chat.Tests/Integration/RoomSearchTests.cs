using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

public sealed class RoomSearchTests(RoomsNodeFixture fixture) : IClassFixture<RoomsNodeFixture>
{
    private ChatNode Node => fixture.Node;

    /// <summary>A word no other test's room names contain, so each test sees only its own rooms.</summary>
    private static string Marker() => "q" + Guid.NewGuid().ToString("N")[..7];

    [Fact]
    public async Task Closer_names_rank_first_and_rooms_without_the_text_are_left_out()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var marker = Marker();
        var longest = await owner.CreateRoomAsync(Node, name: $"the {marker} lounge for weekend chatter");
        var exact = await owner.CreateRoomAsync(Node, name: marker);
        var longer = await owner.CreateRoomAsync(Node, name: $"{marker} talk");
        await owner.CreateRoomAsync(Node, name: "unrelated");

        var found = await SearchAsync(owner, $"q={marker}");

        Assert.Equal([exact.Id, longer.Id, longest.Id], found.Select(r => r.Id));
    }

    [Fact]
    public async Task Names_match_whatever_the_case()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var marker = Marker();
        var room = await owner.CreateRoomAsync(Node, name: $"Release {marker.ToUpperInvariant()} Planning");

        var lower = await SearchAsync(owner, $"q={marker}");
        var mixed = await SearchAsync(owner, $"q=release%20{marker.ToUpperInvariant()}");

        Assert.Equal([room.Id], lower.Select(r => r.Id));
        Assert.Equal([room.Id], mixed.Select(r => r.Id));
    }

    [Fact]
    public async Task A_private_room_is_found_by_its_members_only()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        var marker = Marker();
        var secret = await owner.CreateRoomAsync(Node, isPrivate: true, name: $"{marker} secret");
        var open = await owner.CreateRoomAsync(Node, name: $"{marker} open");

        var byOwner = await SearchAsync(owner, $"q={marker}");
        var byOutsider = await SearchAsync(outsider, $"q={marker}");

        Assert.Equal(new[] { open.Id, secret.Id }.Order(), byOwner.Select(r => r.Id).Order());
        Assert.Equal([open.Id], byOutsider.Select(r => r.Id));
    }

    [Fact]
    public async Task Searching_by_member_finds_that_members_rooms_the_caller_may_see()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var shared = await alice.CreateRoomAsync(Node, name: "shared");
        var hidden = await alice.CreateRoomAsync(Node, isPrivate: true, name: "hidden");
        await alice.CreateRoomAsync(Node, name: "without bob");
        await bob.JoinAsync(Node, shared.Id);
        using (var aliceHttp = Node.Http(alice.Token))
        using (var bobHttp = Node.Http(bob.Token))
        {
            var invitation = await aliceHttp.InviteAsync(hidden.Id, new CreateInvitationRequest(3600)).ReadAsync<InvitationDto>();
            await bobHttp.AcceptInvitationAsync(invitation.Token).ExpectSuccessAsync();
        }

        var byAlice = await SearchAsync(alice, $"member={bob.Profile.UserName.ToUpperInvariant()}");
        var byCarol = await SearchAsync(carol, $"member={bob.Profile.UserName}");
        var byNameAndMember = await SearchAsync(alice, $"q=hid&member={bob.Profile.UserName}");

        Assert.Equal(new[] { hidden.Id, shared.Id }.Order(), byAlice.Select(r => r.Id).Order());
        Assert.Equal([shared.Id], byCarol.Select(r => r.Id));
        Assert.Equal([hidden.Id], byNameAndMember.Select(r => r.Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?q=")]
    [InlineData("?q=%20%20&member=")]
    public async Task A_search_without_a_name_or_a_member_is_400_invalid(string query)
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);

        using var response = await http.GetAsync(ApiRoutes.RoomSearch + query);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Like_wildcards_in_the_query_are_plain_text()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var marker = Marker();
        var percent = await owner.CreateRoomAsync(Node, name: $"{marker} 100% done");
        await owner.CreateRoomAsync(Node, name: $"{marker} 1000 done");

        var found = await SearchAsync(owner, $"q={Uri.EscapeDataString($"{marker} 100%")}");

        Assert.Equal([percent.Id], found.Select(r => r.Id));
    }

    private async Task<RoomDto[]> SearchAsync(TestUser user, string query)
    {
        using var http = Node.Http(user.Token);
        return await http.GetAsync($"{ApiRoutes.RoomSearch}?{query}").ReadAsync<RoomDto[]>(HttpStatusCode.OK);
    }
}
