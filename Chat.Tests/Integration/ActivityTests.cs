using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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

        (await bobHttp.PostAsync($"api/rooms/{room.Id}/members", null)).EnsureSuccessStatusCode();
        (await aliceHttp.PostAsJsonAsync($"api/rooms/{room.Id}/members/{bob.Id}/mute", new MuteRequest(60))).EnsureSuccessStatusCode();
        (await aliceHttp.DeleteAsync($"api/rooms/{room.Id}/members/{bob.Id}/mute")).EnsureSuccessStatusCode();
        (await aliceHttp.PostAsJsonAsync($"api/rooms/{room.Id}/members/{bob.Id}/kick", new KickRequest("spam"))).EnsureSuccessStatusCode();
        (await aliceHttp.PostAsJsonAsync($"api/rooms/{room.Id}/bans", new BanRequest(bob.Id, "spam"))).EnsureSuccessStatusCode();
        (await aliceHttp.DeleteAsync($"api/rooms/{room.Id}/bans/{bob.Id}")).EnsureSuccessStatusCode();

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

        var forbidden = await aliceHttp.GetAsync("api/admin/activity");
        var invalid = await adminHttp.GetAsync("api/admin/activity?days=0");

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (forbidden.StatusCode, await CodeAsync(forbidden)));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid"), (invalid.StatusCode, await CodeAsync(invalid)));
    }

    /// <summary>A user made global admin in the database, signed in again for a token with that role.</summary>
    private async Task<TestUser> AdminAsync()
    {
        var user = await TestUser.RegisterAsync(Node, "admin");
        var dataSource = Node.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var promote = dataSource.CreateCommand("update users set role = 'admin' where id = $1"))
        {
            promote.Parameters.AddWithValue(user.Id);
            Assert.Equal(1, await promote.ExecuteNonQueryAsync());
        }

        using var http = Node.Http();
        var token = await http.PostAsJsonAsync("auth/token", new TokenRequest(user.Profile.UserName, "correct horse battery"));
        token.EnsureSuccessStatusCode();
        var issued = (await token.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        return user with { Token = issued.AccessToken };
    }

    /// <summary>Today's counts by action.</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(HttpClient http)
    {
        var rows = await http.GetFromJsonAsync<ActivityCountDto[]>("api/admin/activity?days=1", Json.Options);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return rows!.Where(r => r.Day == today).ToDictionary(r => r.Action, r => r.Count);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString();
    }
}
