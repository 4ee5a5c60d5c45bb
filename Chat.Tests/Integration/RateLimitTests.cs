using System.Net;
using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>The send rate limit and slow mode, through both doors, on a node with 30 messages per minute.</summary>
public sealed partial class RateLimitTests(LimitsNodeFixture fixture) : IClassFixture<LimitsNodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task The_thirty_first_quick_send_is_rate_limited_the_connection_stays_usable_and_sending_resumes_later()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);

        for (var i = 0; i < LimitsNodeFixture.MessagesPerWindow; i++)
        {
            await hub.SendTextAsync(room.Id, $"message {i}");
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => hub.SendTextAsync(room.Id, "one too many"));

        Assert.StartsWith("rate_limited: ", refused.Message);
        Assert.InRange(RetryAfterMs(refused.Message), 1, 2000);
        var history = await hub.GetHistoryAsync(room.Id);
        Assert.DoesNotContain(history, m => m.Content == "one too many");
        await Poll.UntilAsync(async () => await TrySendAsync(hub, room.Id, "after the wait"), Deadline, "a send passes again");
    }

    [Fact]
    public async Task A_resend_of_a_stored_message_costs_no_token()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        var clientMessageId = Guid.NewGuid();

        await hub.SendTextAsync(room.Id, "sent once", clientMessageId);
        var resends = new List<MessageAck>();
        for (var i = 0; i < 5; i++)
        {
            resends.Add(await hub.SendTextAsync(room.Id, "sent once", clientMessageId));
        }

        // The first send took one token and the resends none: the other 29 still fit.
        for (var i = 0; i < LimitsNodeFixture.MessagesPerWindow - 1; i++)
        {
            await hub.SendTextAsync(room.Id, $"message {i}");
        }

        Assert.All(resends, ack => Assert.True(ack.Duplicate));
        await Assert.ThrowsAsync<HubException>(() => hub.SendTextAsync(room.Id, "one too many"));
    }

    [Fact]
    public async Task A_rest_send_over_the_limit_is_429_with_retry_after()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);

        for (var i = 0; i < LimitsNodeFixture.MessagesPerWindow; i++)
        {
            (await PostAsync(http, room.Id, $"message {i}")).EnsureSuccessStatusCode();
        }

        var refused = await PostAsync(http, room.Id, "one too many");

        await ProblemAssert.HasCodeAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Slow_mode_holds_a_member_to_one_message_per_period_but_not_the_room_admin()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var member = await TestUser.RegisterAsync(Node, "member");
        var room = await admin.CreateRoomAsync(Node, name: "slow", settings: new RoomSettings(SlowModeSeconds: 2));
        await using var adminHub = await HubClient.ConnectAsync(Node, admin);
        await using var memberHub = await HubClient.ConnectAsync(Node, member);
        await memberHub.JoinRoomAsync(room.Id);

        await memberHub.SendTextAsync(room.Id, "first");
        var refused = await Assert.ThrowsAsync<HubException>(() => memberHub.SendTextAsync(room.Id, "second"));
        await adminHub.SendTextAsync(room.Id, "admins");
        await adminHub.SendTextAsync(room.Id, "are exempt");

        Assert.StartsWith("rate_limited: slow mode", refused.Message);
        Assert.InRange(RetryAfterMs(refused.Message), 1, 2000);
        await Poll.UntilAsync(async () => await TrySendAsync(memberHub, room.Id, "second, later"), Deadline, "slow mode lets the member send again");
    }

    private static async Task<bool> TrySendAsync(HubClient hub, Guid roomId, string content)
    {
        try
        {
            await hub.SendTextAsync(roomId, content);
            return true;
        }
        catch (HubException refused) when (refused.Message.StartsWith("rate_limited: ", StringComparison.Ordinal))
        {
            return false;
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Guid roomId, string content) =>
        http.PostMessageAsync(roomId, new SendMessageRequest(roomId.ToString(), Guid.NewGuid().ToString(), "text", content));

    private static long RetryAfterMs(string message) =>
        long.Parse(RetryAfterPattern().Match(message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"retryAfterMs=(\d+)$")]
    private static partial Regex RetryAfterPattern();
}
