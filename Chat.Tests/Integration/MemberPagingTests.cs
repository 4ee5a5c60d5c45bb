using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>Member lists and receipts come in pages (<c>?limit=&amp;after=</c>) in user id order.</summary>
public sealed class MemberPagingTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Members_and_receipts_come_in_pages_after_the_last_user_id_and_together_are_everyone()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);
        var others = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            var member = await TestUser.RegisterAsync(Node, $"member{i}");
            await member.JoinAsync(Node, room.Id);
            others.Add(member);
        }

        using var http = Node.Http(owner.Token);
        var first = await PageAsync<MemberDto>(http, ApiRoutes.Members(room.Id), after: null, limit: 2);
        var second = await PageAsync<MemberDto>(http, ApiRoutes.Members(room.Id), after: first[^1].UserId, limit: 2);
        var third = await PageAsync<MemberDto>(http, ApiRoutes.Members(room.Id), after: second[^1].UserId, limit: 2);
        var receipts = await PageAsync<ReceiptDto>(http, ApiRoutes.Receipts(room.Id), after: null, limit: 3);
        var everyone = others.Select(u => u.Id).Append(owner.Id).Order().ToArray();

        Assert.Equal([2, 2, 1], new[] { first.Length, second.Length, third.Length });
        Assert.Equal(everyone, first.Concat(second).Concat(third).Select(m => m.UserId));
        Assert.Equal(everyone[..3], receipts.Select(r => r.UserId));
        Assert.Equal(5, (await http.RoomAsync(room.Id)).MemberCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_page_size_outside_one_to_a_thousand_is_invalid(int limit)
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);
        using var http = Node.Http(owner.Token);

        using var members = await http.GetAsync($"{ApiRoutes.Members(room.Id)}?limit={limit}");
        using var receipts = await http.GetAsync($"{ApiRoutes.Receipts(room.Id)}?limit={limit}");

        await ProblemAssert.HasCodeAsync(members, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        await ProblemAssert.HasCodeAsync(receipts, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
    }

    private static async Task<T[]> PageAsync<T>(HttpClient http, string route, Guid? after, int limit) =>
        (await http.GetFromJsonAsync<T[]>(after is { } id ? $"{route}?limit={limit}&after={id}" : $"{route}?limit={limit}", Json.Options))!;
}
