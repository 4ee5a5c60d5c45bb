using System.Net;
using System.Net.Http.Json;
using System.Text;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

public sealed class BadInputTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    public static TheoryData<string, string> RefusedSends => new()
    {
        { "", "content must not be empty" },
        { "   ", "content must not be empty" },
        { new string('x', 4001), "content must be at most 4000 characters" },
    };

    [Theory]
    [MemberData(nameof(RefusedSends))]
    public async Task Bad_text_is_refused_as_invalid_and_the_connection_stays_usable(string content, string reason)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.SendTextAsync(room.Id, content));

        Assert.Equal($"invalid: {reason}", error.Message);
        Assert.Equal(HubConnectionState.Connected, hub.Connection.State);
        var ack = await hub.SendTextAsync(room.Id, "still here");
        Assert.Equal(1, ack.Seq);
    }

    [Fact]
    public async Task Exactly_4000_characters_are_accepted()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);

        var ack = await hub.SendTextAsync(room.Id, new string('x', 4000));

        Assert.Equal(1, ack.Seq);
    }

    [Fact]
    public async Task Unknown_room_is_not_found()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        await using var hub = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);

        var send = await Assert.ThrowsAsync<HubException>(() => hub.SendTextAsync(Guid.NewGuid(), "hello"));
        var join = await Assert.ThrowsAsync<HubException>(() => hub.JoinRoomAsync(Guid.NewGuid()));

        Assert.StartsWith("not_found:", send.Message);
        Assert.StartsWith("not_found:", join.Message);
        Assert.Equal(HubConnectionState.Connected, hub.Connection.State);
    }

    [Fact]
    public async Task Non_member_cannot_send_to_or_join_a_private_room_or_read_it()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var room = await owner.CreateRoomAsync(Node, isPrivate: true);
        await using var hub = await HubClient.ConnectAsync(Node, stranger);

        var send = await Assert.ThrowsAsync<HubException>(() => hub.SendTextAsync(room.Id, "let me in"));
        var join = await Assert.ThrowsAsync<HubException>(() => hub.JoinRoomAsync(room.Id));
        var history = await Assert.ThrowsAsync<HubException>(() => hub.GetHistoryAsync(room.Id));

        Assert.StartsWith("forbidden:", send.Message);
        Assert.StartsWith("forbidden:", join.Message);
        Assert.StartsWith("not_found:", history.Message);
        using var http = Node.Http(owner.Token);
        var stored = await http.HistoryAsync(room.Id);
        Assert.Empty(stored);
    }

    [Fact]
    public async Task Malformed_ids_and_types_are_invalid_not_binding_errors()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var hub = await HubClient.ConnectAsync(Node, alice);

        var join = await Assert.ThrowsAsync<HubException>(() => hub.JoinRoomAsync("not-a-uuid"));
        var badRoom = await Assert.ThrowsAsync<HubException>(() =>
            hub.SendMessageAsync(new SendMessageRequest("nope", Guid.NewGuid().ToString(), "text", "hi")));
        var badClientId = await Assert.ThrowsAsync<HubException>(() =>
            hub.SendMessageAsync(new SendMessageRequest(room.Id.ToString(), "12345", "text", "hi")));
        var badType = await Assert.ThrowsAsync<HubException>(() => hub.SendMessageAsync(room.Id, "poem", "hi"));
        var badSync = await Assert.ThrowsAsync<HubException>(() => hub.SyncAsync(new SyncRequest([new SyncRoomRequest("zzz", 0)])));
        var badLimit = await Assert.ThrowsAsync<HubException>(() => hub.GetHistoryAsync(room.Id, 201));

        Assert.Equal("invalid: roomId must be a UUID", join.Message);
        Assert.Equal("invalid: roomId must be a UUID", badRoom.Message);
        Assert.Equal("invalid: clientMessageId must be a UUID", badClientId.Message);
        Assert.Equal("invalid: type must be one of text, image, file, system", badType.Message);
        Assert.Equal("invalid: roomId must be a UUID", badSync.Message);
        Assert.Equal("invalid: limit must be between 1 and 200", badLimit.Message);
        Assert.Equal(1, (await hub.SendTextAsync(room.Id, "fine")).Seq);
    }

    [Fact]
    public async Task Members_may_not_send_system_messages()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var member = await TestUser.RegisterAsync(Node, "member");
        var room = await owner.CreateRoomAsync(Node);
        await using var memberHub = await HubClient.ConnectAsync(Node, member);
        await using var ownerHub = await HubClient.ConnectAsync(Node, owner);
        await memberHub.JoinRoomAsync(room.Id);

        var refused = await Assert.ThrowsAsync<HubException>(() => memberHub.SendMessageAsync(room.Id, "system", "maintenance"));
        var allowed = await ownerHub.SendMessageAsync(room.Id, "system", "maintenance");

        Assert.StartsWith("forbidden:", refused.Message);
        Assert.False(allowed.Duplicate);
    }

    [Fact]
    public async Task Rest_validation_errors_are_400_problems_with_field_errors()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http(alice.Token);

        var response = await http.PostAsJsonAsync(ApiRoutes.Rooms, new { name = "  ", topic = new string('t', 501), isPrivate = false });

        var problem = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid");
        ProblemAssert.IsProblemJson(response);
        var errors = problem.GetProperty("errors");
        Assert.Equal("name must not be empty", errors.GetProperty("name")[0].GetString());
        Assert.Equal("topic must be at most 500 characters", errors.GetProperty("topic")[0].GetString());
    }

    [Theory]
    [InlineData(ApiRoutes.Rooms, "{\"name\": 42, \"isPrivate\": \"yes\"}")]
    [InlineData(ApiRoutes.Rooms, "{not json")]
    [InlineData(ApiRoutes.Register, "")]
    public async Task Unreadable_bodies_are_400_invalid_not_500(string route, string body)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http(alice.Token);

        var response = await http.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task Malformed_room_id_in_a_route_is_400_invalid()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http(alice.Token);

        // The route itself is the input under test, so it is spelled out here.
        var response = await http.GetAsync("api/rooms/not-a-uuid/messages");

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, "invalid");
    }

    [Theory]
    [InlineData(70 * 1024)]
    [InlineData(1024 * 1024)]
    public async Task A_hub_message_over_the_size_limit_closes_only_that_connection(int size)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.JoinRoomAsync(room.Id);
        var closed = new TaskCompletionSource<Exception?>();
        aliceHub.Connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };

        var oversized = aliceHub.SendTextAsync(room.Id, new string('x', size));

        await Assert.ThrowsAnyAsync<Exception>(() => oversized);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, aliceHub.Connection.State);
        Assert.Equal(HubConnectionState.Connected, bobHub.Connection.State);
        Assert.Equal(2, (await bobHub.SendTextAsync(room.Id, "unaffected")).Seq);
    }
}
