using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

public sealed class RoomSettingsTests(RoomsNodeFixture fixture) : IClassFixture<RoomsNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task An_admin_replaces_the_settings_and_a_member_hears_RoomUpdated()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var member = await TestUser.RegisterAsync(Node, "member");
        var room = await admin.CreateRoomAsync(Node);
        await using var memberHub = await HubClient.ConnectAsync(Node, member, HubProtocol.Json);
        await memberHub.JoinRoomAsync(room.Id);
        var settings = new RoomSettings(RetentionDays: 30, FileSharingAllowed: false, TypingIndicators: false, MaxMembers: 50, SlowModeSeconds: 10);

        using var http = Node.Http(admin.Token);
        var updated = await http.PutSettingsAsync(room.Id, settings).ReadAsync<RoomDto>(HttpStatusCode.OK);

        Assert.Equal(settings, updated.Settings);
        var heard = await memberHub.NextRoomUpdateAsync();
        Assert.Equal((room.Id, settings), (heard.Id, heard.Settings));
        var read = await http.RoomAsync(room.Id);
        Assert.Equal(settings, read.Settings);
    }

    [Fact]
    public async Task Put_replaces_the_whole_object_so_absent_fields_return_to_their_defaults()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await admin.CreateRoomAsync(Node);
        using var http = Node.Http(admin.Token);
        await http.PutSettingsAsync(room.Id, new RoomSettings(RetentionDays: 7, MaxMembers: 10)).ExpectSuccessAsync();

        // A body of one field, as a client that leaves the others out sends it.
        var updated = await http.PutAsync(
            ApiRoutes.Settings(room.Id), new StringContent("{\"fileSharingAllowed\": false}", System.Text.Encoding.UTF8, "application/json"))
            .ReadAsync<RoomDto>();

        Assert.Equal(RoomSettings.Default with { FileSharingAllowed = false }, updated.Settings);
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_is_forbidden()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var member = await TestUser.RegisterAsync(Node, "member");
        var room = await admin.CreateRoomAsync(Node);
        using var http = Node.Http(member.Token);
        await http.JoinAsync(room.Id).ExpectSuccessAsync();

        using var response = await http.PutSettingsAsync(room.Id, new RoomSettings(FileSharingAllowed: false));

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.Forbidden, "forbidden");
        var read = await http.RoomAsync(room.Id);
        Assert.True(read.Settings.FileSharingAllowed);
    }

    [Fact]
    public async Task Out_of_range_values_are_400_with_each_field_named()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await admin.CreateRoomAsync(Node);
        using var http = Node.Http(admin.Token);

        using var response = await http.PutSettingsAsync(room.Id, new RoomSettings(RetentionDays: 0, MaxMembers: 1, SlowModeSeconds: -5));

        var problem = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid");
        var errors = problem.GetProperty("errors");
        Assert.All(["retentionDays", "maxMembers", "slowModeSeconds"], field => Assert.True(errors.TryGetProperty(field, out _), field));
    }
}
