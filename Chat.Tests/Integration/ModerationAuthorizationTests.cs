using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

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
        using var ownerHttp = Node.Http(owner.Token);
        var target = await TestUser.RegisterAsync(Node, "target");
        using var targetHttp = Node.Http(target.Token);
        await targetHttp.JoinAsync(room.Id).ExpectAsync(HttpStatusCode.OK);
        var targetMessage = await targetHttp
            .PostMessageAsync(room.Id, new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "the target's words"))
            .ReadAsync<MessageAck>();
        await ownerHttp.MuteAsync(room.Id, target.Id, 3600).ExpectAsync(HttpStatusCode.OK);
        var outcast = await TestUser.RegisterAsync(Node, "outcast");
        await ownerHttp.BanAsync(room.Id, outcast.Id).ExpectAsync(HttpStatusCode.NoContent);
        var caller = await CallerAsync(standing, owner, room.Id);
        await using var callerHub = await HubClient.ConnectAsync(Node, caller);
        var before = await RoomStateAsync(owner, room.Id);

        var outcome = change switch
        {
            RoomChange.Rename => await RestAsync(caller, http => http.UpdateRoomAsync(room.Id, new UpdateRoomRequest("renamed", null))),
            RoomChange.ChangeSettings => await RestAsync(caller, http => http.PutSettingsAsync(
                room.Id, new RoomSettings(SlowModeSeconds: 5, FileSharingAllowed: false))),
            RoomChange.ChangeRole => await RestAsync(caller, http => http.ChangeRoleAsync(room.Id, target.Id, "moderator")),
            RoomChange.Mute => await RestAsync(caller, http => http.MuteAsync(room.Id, target.Id, 60)),
            RoomChange.Unmute => await RestAsync(caller, http => http.UnmuteAsync(room.Id, target.Id)),
            RoomChange.Kick => await RestAsync(caller, http => http.KickAsync(room.Id, target.Id)),
            RoomChange.Ban => await RestAsync(caller, http => http.BanAsync(room.Id, target.Id)),
            RoomChange.Unban => await RestAsync(caller, http => http.UnbanAsync(room.Id, outcast.Id)),
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

        var caller = standing == Standing.Guest
            ? await TestUser.GuestAsync(Node, "visitor")
            : await TestUser.RegisterAsync(Node, standing.ToString().ToLowerInvariant());
        if (standing == Standing.GlobalAdmin)
        {
            caller = await caller.PromoteToGlobalAdminAsync(Node);
        }

        using var callerHttp = Node.Http(caller.Token);
        using var ownerHttp = Node.Http(owner.Token);
        if (standing != Standing.NonMember)
        {
            await callerHttp.JoinAsync(roomId).ExpectAsync(HttpStatusCode.OK);
        }

        if (standing == Standing.Moderator)
        {
            await ownerHttp.ChangeRoleAsync(roomId, caller.Id, "moderator").ExpectAsync(HttpStatusCode.OK);
        }

        if (standing == Standing.Banned)
        {
            await ownerHttp.BanAsync(roomId, caller.Id).ExpectAsync(HttpStatusCode.NoContent);
        }

        return caller;
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

        var code = (await ProblemAssert.CodeOfAsync(response))!;
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
        var room = await http.RoomAsync(roomId);
        var members = await http.MembersAsync(roomId);
        var messages = await http.HistoryAsync(roomId, limit: 200);
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
        using var http = Node.Http(outcast.Token);
        using var response = await http.JoinAsync(roomId);
        return response.IsSuccessStatusCode;
    }
}
