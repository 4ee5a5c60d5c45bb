using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Limits;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>
/// Every hub method and REST route spends a per-user budget, on a node where each budget is a
/// few calls per ten minutes: the next call is refused with <c>rate_limited</c> and when to retry,
/// the connection stays usable, and a route and the hub method that does the same share a budget.
/// </summary>
public sealed partial class HubBudgetTests(BudgetsNodeFixture fixture) : IClassFixture<BudgetsNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Theory]
    [InlineData("membership")]
    [InlineData("history")]
    [InlineData("typing")]
    [InlineData("presence")]
    [InlineData("receipts")]
    [InlineData("edits")]
    [InlineData("reactions")]
    [InlineData("pins")]
    public async Task A_hub_method_past_its_budget_is_refused_with_a_retry_time_and_the_connection_carries_on(string budget)
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        var othersRoom = await owner.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        var ack = await hub.SendTextAsync(room.Id, "first");
        var second = await hub.SendTextAsync(room.Id, "second");
        var (permits, call) = CallsOf(budget, hub, room.Id, othersRoom.Id, ack, second);

        for (var i = 0; i < permits; i++)
        {
            await call(i);
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => call(permits));
        var stillUsable = await hub.SendTextAsync(room.Id, "still connected");

        Assert.StartsWith("rate_limited: ", refused.Message);
        Assert.InRange(RetryAfterMs(refused.Message), 1, BudgetsNodeFixture.WindowSeconds * 1000);
        Assert.False(stillUsable.Duplicate);
    }

    [Fact]
    public async Task Edits_past_the_budget_change_nothing()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        var ack = await hub.SendTextAsync(room.Id, "original");

        for (var i = 0; i < BudgetsNodeFixture.Edits; i++)
        {
            await hub.EditMessageAsync(room.Id, ack.MessageId, $"edit {i}");
        }

        await Assert.ThrowsAsync<HubException>(() => hub.EditMessageAsync(room.Id, ack.MessageId, "spam"));
        using var http = Node.Http(alice.Token);
        var stored = Assert.Single(await http.HistoryAsync(room.Id));
        Assert.Equal($"edit {BudgetsNodeFixture.Edits - 1}", stored.Content);
    }

    [Fact]
    public async Task Budgets_are_per_user()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        for (var i = 0; i < BudgetsNodeFixture.Presence; i++)
        {
            await aliceHub.SetPresenceAsync(i % 2 == 0 ? "away" : "online");
        }

        await Assert.ThrowsAsync<HubException>(() => aliceHub.SetPresenceAsync("dnd"));
        await bobHub.SetPresenceAsync("dnd");
    }

    [Fact]
    public async Task Joining_and_leaving_spend_one_budget_through_the_hub_and_rest_alike()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await owner.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        using var http = Node.Http(alice.Token);

        for (var i = 0; i < BudgetsNodeFixture.Membership / 2; i++)
        {
            await hub.JoinRoomAsync(room.Id);
            await http.LeaveAsync(room.Id).ExpectAsync(HttpStatusCode.NoContent);
        }

        using var overRest = await http.JoinAsync(room.Id);
        var overHub = await Assert.ThrowsAsync<HubException>(() => hub.JoinRoomAsync(room.Id));

        await ProblemAssert.HasCodeAsync(overRest, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.NotNull(overRest.Headers.RetryAfter?.Delta);
        Assert.StartsWith("rate_limited: ", overHub.Message);
        Assert.DoesNotContain(await http.MembersAsync(room.Id), m => m.UserId == alice.Id);
    }

    [Fact]
    public async Task History_over_rest_and_the_hub_share_a_budget()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        using var http = Node.Http(alice.Token);

        // The third permit went on connecting: HubClient makes sure of the connection with a Sync.
        await hub.GetHistoryAsync(room.Id);
        await http.HistoryAsync(room.Id);

        using var overRest = await http.GetAsync(ApiRoutes.Messages(room.Id));
        await ProblemAssert.HasCodeAsync(overRest, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        await Assert.ThrowsAsync<HubException>(() => hub.GetHistoryAsync(room.Id));
    }

    [Fact]
    public async Task Search_and_uploads_have_budgets_of_their_own_and_other_requests_are_not_held_up()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);

        for (var i = 0; i < BudgetsNodeFixture.Search; i++)
        {
            await http.GetAsync($"{ApiRoutes.RoomSearch}?q=room").ExpectAsync(HttpStatusCode.OK);
        }

        for (var i = 0; i < BudgetsNodeFixture.Uploads; i++)
        {
            await http.UploadAsync(room.Id, [1, 2, 3], "note.txt").ExpectAsync(HttpStatusCode.Created);
        }

        using var search = await http.GetAsync($"{ApiRoutes.RoomSearch}?q=room");
        using var upload = await http.UploadAsync(room.Id, [1, 2, 3], "note.txt");

        await ProblemAssert.HasCodeAsync(search, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        await ProblemAssert.HasCodeAsync(upload, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.Equal(alice.Id, (await http.MeAsync()).Id);
    }

    [Fact]
    public async Task Pins_over_rest_and_the_hub_share_the_edits_budget()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        var ack = await hub.SendTextAsync(room.Id, "pin me");
        using var http = Node.Http(alice.Token);

        await hub.PinMessageAsync(room.Id, ack.MessageId);
        await http.UnpinAsync(room.Id, ack.MessageId).ExpectAsync(HttpStatusCode.NoContent);
        await hub.EditMessageAsync(room.Id, ack.MessageId, "pin me, edited");

        using var overRest = await http.PinAsync(room.Id, ack.MessageId);
        var overHub = await Assert.ThrowsAsync<HubException>(() => hub.PinMessageAsync(room.Id, ack.MessageId));

        await ProblemAssert.HasCodeAsync(overRest, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.StartsWith("rate_limited: ", overHub.Message);
        Assert.Empty(await http.PinsAsync(room.Id));
    }

    [Fact]
    public async Task Message_search_and_room_search_share_the_search_budget()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);

        await http.GetAsync($"{ApiRoutes.RoomSearch}?q=room").ExpectAsync(HttpStatusCode.OK);
        await http.SearchMessagesAsync(room.Id, "anything").ExpectAsync(HttpStatusCode.OK);
        using var everywhere = await http.SearchMessagesAsync(null, "anything");

        await ProblemAssert.HasCodeAsync(everywhere, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
    }

    [Fact]
    public async Task Every_other_request_spends_the_general_budget()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http(alice.Token);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= BudgetsNodeFixture.Requests; i++)
        {
            using var me = await http.GetAsync(ApiRoutes.Me);
            answers.Add(me.StatusCode);
        }

        Assert.All(answers[..^1], status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
    }

    [Fact]
    public void Every_hub_method_but_sending_names_its_budget()
    {
        // SendMessage and StreamMessage spend the Messages budget inside, which gives a resend's permit back.
        var unbudgeted = typeof(IChatHub).GetMethods()
            .Select(m => typeof(ChatHub).GetMethod(m.Name)!)
            .Where(m => m.GetCustomAttribute<HubBudgetAttribute>() is null)
            .Select(m => m.Name);

        Assert.Equal([nameof(IChatHub.SendMessage), nameof(IChatHub.StreamMessage)], unbudgeted.Order());
    }

    // Calls that spend the budget, alternating between its methods; the i-th call is call(i).
    private static (int Permits, Func<int, Task> Call) CallsOf(
        string budget, HubClient hub, Guid roomId, Guid othersRoomId, MessageAck first, MessageAck second) =>
        budget switch
        {
            "membership" => (BudgetsNodeFixture.Membership,
                i => i % 2 == 0 ? hub.JoinRoomAsync(othersRoomId) : hub.LeaveRoomAsync(othersRoomId)),
            // Less the Sync with which HubClient makes sure the connection is in its rooms.
            "history" => (BudgetsNodeFixture.History - 1,
                i => i % 2 == 0 ? hub.GetHistoryAsync(roomId) : hub.SyncAsync(roomId, afterSeq: 0)),
            "typing" => (BudgetsNodeFixture.Typing,
                i => i % 2 == 0 ? hub.StartTypingAsync(roomId) : hub.StopTypingAsync(roomId)),
            "presence" => (BudgetsNodeFixture.Presence,
                i => hub.SetPresenceAsync(i % 2 == 0 ? "away" : "online")),
            "receipts" => (BudgetsNodeFixture.Receipts,
                i => i % 2 == 0 ? hub.MarkDeliveredAsync(roomId, first.Seq) : hub.MarkReadAsync(roomId, first.Seq)),
            "edits" => (BudgetsNodeFixture.Edits,
                i => i % 2 == 0 ? hub.EditMessageAsync(roomId, first.MessageId, $"edit {i}") : hub.DeleteMessageAsync(roomId, second.MessageId)),
            "pins" => (BudgetsNodeFixture.Edits,
                i => i % 2 == 0 ? hub.PinMessageAsync(roomId, first.MessageId) : hub.UnpinMessageAsync(roomId, first.MessageId)),
            "reactions" => (BudgetsNodeFixture.Reactions,
                i => i % 2 == 0 ? hub.AddReactionAsync(roomId, first.MessageId, "👍") : hub.RemoveReactionAsync(roomId, first.MessageId, "👍")),
            _ => throw new ArgumentOutOfRangeException(nameof(budget)),
        };

    private static long RetryAfterMs(string message) =>
        long.Parse(RetryAfterPattern().Match(message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"retryAfterMs=(\d+)$")]
    private static partial Regex RetryAfterPattern();
}
