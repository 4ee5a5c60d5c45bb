using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>The activity log as a global admin reads it under /api/admin/activity.</summary>
public sealed class ActivityTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Connects_joins_sends_leaves_and_disconnects_show_up_in_todays_counts()
    {
        var admin = await AdminAsync();
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(admin.Token);
        var before = await CountsAsync(http);

        await using (var bobHub = await HubClient.ConnectAsync(Node, bob))
        {
            await bobHub.JoinRoomAsync(room.Id);
            await bobHub.SendTextAsync(room.Id, "one");
            await bobHub.SendTextAsync(room.Id, "two");
            await bobHub.LeaveRoomAsync(room.Id);
        }

        var expected = new Dictionary<string, long> { ["connect"] = 1, ["join"] = 1, ["send"] = 2, ["leave"] = 1, ["disconnect"] = 1 };
        await Poll.UntilAsync(
            async () =>
            {
                var after = await CountsAsync(http);
                return expected.All(e => after.GetValueOrDefault(e.Key) >= before.GetValueOrDefault(e.Key) + e.Value);
            },
            Deadline,
            "the actions are counted");
    }

    [Fact]
    public async Task Moderation_actions_show_up_in_todays_counts()
    {
        var admin = await AdminAsync();
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        using var adminHttp = Node.Http(admin.Token);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        var before = await CountsAsync(adminHttp);

        await bobHttp.JoinAsync(room.Id).ExpectSuccessAsync();
        await aliceHttp.MuteAsync(room.Id, bob.Id, 60).ExpectSuccessAsync();
        await aliceHttp.UnmuteAsync(room.Id, bob.Id).ExpectSuccessAsync();
        await aliceHttp.KickAsync(room.Id, bob.Id, "spam").ExpectSuccessAsync();
        await aliceHttp.BanAsync(room.Id, bob.Id, "spam").ExpectSuccessAsync();
        await aliceHttp.UnbanAsync(room.Id, bob.Id).ExpectSuccessAsync();

        var expected = new Dictionary<string, long> { ["mute"] = 1, ["unmute"] = 1, ["kick"] = 1, ["ban"] = 1, ["unban"] = 1 };
        await Poll.UntilAsync(
            async () =>
            {
                var after = await CountsAsync(adminHttp);
                return expected.All(e => after.GetValueOrDefault(e.Key) >= before.GetValueOrDefault(e.Key) + e.Value);
            },
            Deadline,
            "the moderation actions are counted");
    }

    [Fact]
    public async Task A_normal_user_is_forbidden_and_a_bad_day_count_is_invalid()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var admin = await AdminAsync();
        using var aliceHttp = Node.Http(alice.Token);
        using var adminHttp = Node.Http(admin.Token);

        var forbidden = await aliceHttp.GetAsync(ApiRoutes.Activity);
        var invalid = await adminHttp.GetAsync($"{ApiRoutes.Activity}?days=0");

        await ProblemAssert.HasCodeAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.HasCodeAsync(invalid, HttpStatusCode.BadRequest, "invalid");
    }

    private async Task<TestUser> AdminAsync() => await (await TestUser.RegisterAsync(Node, "admin")).PromoteToGlobalAdminAsync(Node);

    /// <summary>Today's counts by action.</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(HttpClient http)
    {
        var rows = await http.ActivityAsync(days: 1);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return rows.Where(r => r.Day == today).ToDictionary(r => r.Action, r => r.Count);
    }
}
