using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>
/// Text that cannot hurt: NUL and other control characters, bidi overrides and invisible
/// characters are refused with <c>invalid</c> and a field error before anything reaches the
/// database, through both doors; metadata is bounded.
/// </summary>
public sealed class TextInputTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const string RightToLeftOverride = "\u202E";
    private const string ZeroWidthSpace = "\u200B";

    private ChatNode Node => fixture.Node;

    [Theory]
    [InlineData("lobby\0", "name")]
    [InlineData("lobby\u0007", "name")]
    [InlineData("evil" + RightToLeftOverride + "gpj.exe", "name")]
    [InlineData("ad" + ZeroWidthSpace + "min", "name")]
    public async Task A_room_name_with_control_bidi_or_invisible_characters_is_invalid_and_no_room_is_made(string name, string field)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http(alice.Token);

        using var response = await http.CreateRoomAsync(new CreateRoomRequest(name, null, false, null));

        var problem = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(await http.RoomsAsync());
    }

    [Fact]
    public async Task A_topic_a_reason_a_display_name_a_sign_in_and_a_search_with_NUL_are_invalid_not_a_server_error()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await bob.JoinAsync(Node, room.Id);
        using var http = Node.Http(alice.Token);
        using var anonymous = Node.Http();

        using var topic = await http.UpdateRoomAsync(room.Id, new UpdateRoomRequest(null, "news\0"));
        using var reason = await http.KickAsync(room.Id, bob.Id, "spam\0");
        using var register = await anonymous.PostAsJsonAsync(
            ApiRoutes.Register, new RegisterRequest("carol", "correct horse battery", "Carol" + RightToLeftOverride), Json.Options);
        using var guest = await anonymous.PostAsJsonAsync(ApiRoutes.Guest, new GuestRequest("Gus" + ZeroWidthSpace), Json.Options);
        using var signIn = await anonymous.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest("alice\0", "whatever"), Json.Options);
        using var search = await http.GetAsync($"{ApiRoutes.RoomSearch}?q={Uri.EscapeDataString("ro\0om")}");

        Assert.True((await ProblemAssert.HasCodeAsync(topic, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("topic", out _));
        Assert.True((await ProblemAssert.HasCodeAsync(reason, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True((await ProblemAssert.HasCodeAsync(register, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("displayName", out _));
        Assert.True((await ProblemAssert.HasCodeAsync(guest, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("displayName", out _));
        Assert.True((await ProblemAssert.HasCodeAsync(signIn, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("userName", out _));
        Assert.True((await ProblemAssert.HasCodeAsync(search, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("q", out _));
        Assert.Contains(await http.MembersAsync(room.Id), m => m.UserId == bob.Id);
    }

    [Fact]
    public async Task Content_keeps_line_breaks_and_tabs_but_a_NUL_is_invalid_through_both_doors_and_in_an_edit()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        using var http = Node.Http(alice.Token);

        var kept = await aliceHub.SendTextAsync(room.Id, "line one\n\tline two");
        var overHub = await Assert.ThrowsAsync<HubException>(() => aliceHub.SendTextAsync(room.Id, "null\0byte"));
        using var overRest = await http.PostMessageAsync(room.Id, new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "null\0byte"));
        var edit = await Assert.ThrowsAsync<HubException>(() => aliceHub.EditMessageAsync(room.Id, kept.MessageId, "edited\0"));

        Assert.StartsWith("invalid: content must not contain control characters", overHub.Message);
        Assert.True((await ProblemAssert.HasCodeAsync(overRest, HttpStatusCode.BadRequest, ErrorCodes.Invalid)).GetProperty("errors").TryGetProperty("content", out _));
        Assert.StartsWith("invalid: content must not contain control characters", edit.Message);
        var history = await aliceHub.GetHistoryAsync(room.Id);
        Assert.Equal("line one\n\tline two", Assert.Single(history, m => m.Type == MessageType.Text).Content);
    }

    [Fact]
    public async Task Metadata_is_bounded_to_sixteen_keys_and_four_kilobytes_without_control_characters()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        var sixteen = Metadata(16, valueLength: 10);
        var seventeen = Metadata(17, valueLength: 10);
        var tooLarge = Metadata(16, valueLength: 300);
        var withNul = new Dictionary<string, string> { ["client"] = "web\0" };

        var stored = await aliceHub.SendMessageAsync(WithMetadata(room.Id, sixteen));
        var refused = await Task.WhenAll(
            new[] { seventeen, tooLarge, withNul }.Select(m => Assert.ThrowsAsync<HubException>(() => aliceHub.SendMessageAsync(WithMetadata(room.Id, m)))));

        Assert.False(stored.Duplicate);
        Assert.All(refused, e => Assert.StartsWith("invalid: metadata", e.Message));
        Assert.Equal(sixteen, Assert.Single(await aliceHub.GetHistoryAsync(room.Id), m => m.Type == MessageType.Text).Metadata);
    }

    [Fact]
    public async Task A_bad_message_sent_alongside_others_fails_alone_and_every_other_is_stored()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var bad = Assert.ThrowsAsync<HubException>(() => bobHub.SendTextAsync(room.Id, "bad\0"));
        var good = Enumerable.Range(0, 10).Select(i => aliceHub.SendTextAsync(room.Id, $"good {i}")).ToArray();

        Assert.StartsWith("invalid:", (await bad).Message);
        var acks = await Task.WhenAll(good);
        var texts = (await aliceHub.GetHistoryAsync(room.Id)).Where(m => m.Type == MessageType.Text).ToArray();
        Assert.Equal(acks.Select(a => a.MessageId).Order(), texts.Select(m => m.Id).Order());
    }

    private static Dictionary<string, string> Metadata(int keys, int valueLength) =>
        Enumerable.Range(0, keys).ToDictionary(i => $"k{i}", _ => new string('v', valueLength));

    private static SendMessageRequest WithMetadata(Guid roomId, Dictionary<string, string> metadata) =>
        new(roomId.ToString(), Guid.NewGuid().ToString(), "text", "with metadata", Metadata: metadata);
}
