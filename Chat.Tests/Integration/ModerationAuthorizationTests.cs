using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>Who the caller is in the room under test.</summary>
public enum Standing
{
    Guest,
    Member,
    Moderator,
    Admin,
    NonMember,
    Banned,

    /// <summary>A global admin who is an ordinary member of the room.</summary>
    GlobalAdmin,
}

/// <summary>Everything that changes a room, through REST or the hub.</summary>
public enum RoomChange
{
    Rename,
    ChangeSettings,
    ChangeRole,
    Mute,
    Unmute,
    Kick,
    Ban,
    Unban,
    DeleteOthersMessage,
    SendSystemMessage,
}

public sealed class ModerationAuthorizationTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const string Allowed = "ok";
    private const string Forbidden = "forbidden";
    private const string Banned = "banned";

    // One row per change; columns in the order of Standing:
    // guest, member, moderator, admin, non-member, banned, global admin.
    private static readonly Dictionary<RoomChange, string[]> Expected = new()
    {
        [RoomChange.Rename] = [Forbidden, Forbidden, Forbidden, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.ChangeSettings] = [Forbidden, Forbidden, Forbidden, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.ChangeRole] = [Forbidden, Forbidden, Forbidden, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.Mute] = [Forbidden, Forbidden, Allowed, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.Unmute] = [Forbidden, Forbidden, Allowed, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.Kick] = [Forbidden, Forbidden, Allowed, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.Ban] = [Forbidden, Forbidden, Allowed, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.Unban] = [Forbidden, Forbidden, Allowed, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.DeleteOthersMessage] = [Forbidden, Forbidden, Allowed, Allowed, Forbidden, Banned, Allowed],
        [RoomChange.SendSystemMessage] = [Forbidden, Forbidden, Forbidden, Allowed, Forbidden, Banned, Allowed],
    };

    private ChatNode Node => fixture.Node;

    public static TheoryData<RoomChange, Standing, string> Rows()
    {
        var rows = new TheoryData<RoomChange, Standing, string>();
        foreach (var (change, outcomes) in Expected)
        {
            foreach (var standing in Enum.GetValues<Standing>())
            {
                rows.Add(change, standing, outcomes[(int)standing]);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_room_change_is_allowed_or_refused_by_the_callers_standing(RoomChange change, Standing standing, string expected)
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var room = await owner.CreateRoomAsync(Node);
        var target = await TestUser.RegisterAsync(Node, "target");
        await ModerationApi.JoinAsync(Node, target, room.Id).ExpectAsync(HttpStatusCode.OK);
        var targetMessage = await SendAsync(target, room.Id, "text", "the target's words");
        await ModerationApi.MuteAsync(Node, owner, room.Id, target.Id, 3600).ExpectAsync(HttpStatusCode.OK);
        var outcast = await TestUser.RegisterAsync(Node, "outcast");
        await ModerationApi.BanAsync(Node, owner, room.Id, outcast.Id).ExpectAsync(HttpStatusCode.NoContent);
        var caller = await CallerAsync(standing, owner, room.Id);
        await using var callerHub = await HubClient.ConnectAsync(Node, caller);
        var before = await RoomStateAsync(owner, room.Id);

        var outcome = change switch
        {
            RoomChange.Rename => await RestAsync(caller, http => http.PatchAsJsonAsync($"api/rooms/{room.Id}", new UpdateRoomRequest("renamed", null), Json.Options)),
            RoomChange.ChangeSettings => await RestAsync(caller, http => http.PutAsJsonAsync(
                $"api/rooms/{room.Id}/settings", new RoomSettings(SlowModeSeconds: 5, FileSharingAllowed: false), Json.Options)),
            RoomChange.ChangeRole => await RestAsync(caller, _ => ModerationApi.ChangeRoleAsync(Node, caller, room.Id, target.Id, "moderator")),
            RoomChange.Mute => await RestAsync(caller, _ => ModerationApi.MuteAsync(Node, caller, room.Id, target.Id, 60)),
            RoomChange.Unmute => await RestAsync(caller, _ => ModerationApi.UnmuteAsync(Node, caller, room.Id, target.Id)),
            RoomChange.Kick => await RestAsync(caller, _ => ModerationApi.KickAsync(Node, caller, room.Id, target.Id)),
            RoomChange.Ban => await RestAsync(caller, _ => ModerationApi.BanAsync(Node, caller, room.Id, target.Id)),
            RoomChange.Unban => await RestAsync(caller, _ => ModerationApi.UnbanAsync(Node, caller, room.Id, outcast.Id)),
            RoomChange.DeleteOthersMessage => await HubAsync(() => callerHub.DeleteMessageAsync(room.Id, targetMessage.MessageId)),
            RoomChange.SendSystemMessage => await HubAsync(() => callerHub.SendMessageAsync(room.Id, "system", "maintenance at noon")),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        Assert.Equal(expected, outcome);
        var after = await RoomStateAsync(owner, room.Id);
        if (expected == Allowed)
        {
            Assert.True(change == RoomChange.Unban ? await OutcastMayJoinAsync(outcast, room.Id) : before != after, "the change took no effect");
        }
        else
        {
            Assert.Equal(before, after);
            Assert.False(await OutcastMayJoinAsync(outcast, room.Id));
        }
    }

    /// <summary>A caller with <paramref name="standing"/> in the room, set up by its owner.</summary>
    private async Task<TestUser> CallerAsync(Standing standing, TestUser owner, Guid roomId)
    {
        if (standing == Standing.Admin)
        {
            return owner;
        }

        var caller = standing == Standing.Guest ? await GuestAsync() : await TestUser.RegisterAsync(Node, standing.ToString().ToLowerInvariant());
        if (standing == Standing.GlobalAdmin)
        {
            caller = await PromoteToGlobalAdminAsync(caller);
        }

        if (standing != Standing.NonMember)
        {
            await ModerationApi.JoinAsync(Node, caller, roomId).ExpectAsync(HttpStatusCode.OK);
        }

        if (standing == Standing.Moderator)
        {
            await ModerationApi.ChangeRoleAsync(Node, owner, roomId, caller.Id, "moderator").ExpectAsync(HttpStatusCode.OK);
        }

        if (standing == Standing.Banned)
        {
            await ModerationApi.BanAsync(Node, owner, roomId, caller.Id).ExpectAsync(HttpStatusCode.NoContent);
        }

        return caller;
    }

    private async Task<TestUser> GuestAsync()
    {
        using var http = Node.Http();
        using var response = await http.PostAsJsonAsync("auth/guest", new GuestRequest("visitor"), Json.Options);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        using var authed = Node.Http(token.AccessToken);
        return new TestUser((await authed.GetFromJsonAsync<UserDto>("api/users/me", Json.Options))!, token.AccessToken);
    }

    /// <summary>Global admins are made by operators in the database; the new token carries the role.</summary>
    private async Task<TestUser> PromoteToGlobalAdminAsync(TestUser user)
    {
        var dataSource = Node.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update users set role = 'admin' where id = @Id", new { user.Id });
        }

        using var http = Node.Http();
        using var response = await http.PostAsJsonAsync("auth/token", new TokenRequest(user.Profile.UserName, "correct horse battery"), Json.Options);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        return user with { Token = token.AccessToken };
    }

    private async Task<MessageAck> SendAsync(TestUser sender, Guid roomId, string type, string content)
    {
        using var http = Node.Http(sender.Token);
        using var response = await http.PostAsJsonAsync(
            $"api/rooms/{roomId}/messages", new SendMessageRequest(null, Guid.NewGuid().ToString(), type, content), Json.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MessageAck>(Json.Options))!;
    }

    /// <summary>"ok" for a success, else the problem's code, checked against its status.</summary>
    private async Task<string> RestAsync(TestUser caller, Func<HttpClient, Task<HttpResponseMessage>> call)
    {
        using var http = Node.Http(caller.Token);
        using var response = await call(http);
        if (response.IsSuccessStatusCode)
        {
            return Allowed;
        }

        var code = (await ModerationApi.CodeOfAsync(response))!;
        Assert.Equal(code is Forbidden or Banned ? HttpStatusCode.Forbidden : response.StatusCode, response.StatusCode);
        return code;
    }

    /// <summary>"ok" for a success, else the code before the colon of the hub error.</summary>
    private static async Task<string> HubAsync(Func<Task> call)
    {
        try
        {
            await call();
            return Allowed;
        }
        catch (HubException e)
        {
            return e.Message[..e.Message.IndexOf(':', StringComparison.Ordinal)];
        }
    }

    /// <summary>What the room's admin sees: name, members with roles and mutes, and every message.</summary>
    private async Task<string> RoomStateAsync(TestUser owner, Guid roomId)
    {
        using var http = Node.Http(owner.Token);
        var room = (await http.GetFromJsonAsync<RoomDto>($"api/rooms/{roomId}", Json.Options))!;
        var members = (await http.GetFromJsonAsync<MemberDto[]>($"api/rooms/{roomId}/members", Json.Options))!;
        var messages = (await http.GetFromJsonAsync<MessageDto[]>($"api/rooms/{roomId}/messages?limit=200", Json.Options))!;
        return string.Join(
            '\n',
            [
                $"{room.Name} {room.MemberCount} {room.Settings}",
                .. members.Select(m => $"{m.UserId} {m.Role} {m.MutedUntil:O}"),
                .. messages.Select(m => $"{m.Seq} {m.Type} {m.Content} {m.Deleted}"),
            ]);
    }

    private async Task<bool> OutcastMayJoinAsync(TestUser outcast, Guid roomId)
    {
        using var response = await ModerationApi.JoinAsync(Node, outcast, roomId);
        return response.IsSuccessStatusCode;
    }
}
