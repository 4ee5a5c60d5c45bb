using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>Who may register, read and delete webhooks, what a registration must hold, and what it shows.</summary>
public sealed class WebhookAccessTests(WebhookNodeFixture fixture) : IClassFixture<WebhookNodeFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    private ChatNode Node => fixture.Node;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task Only_the_rooms_admins_and_global_admins_register_list_read_and_delete_its_webhooks()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var otherRoom = await carol.CreateRoomAsync(Node);
        var admin = await (await TestUser.RegisterAsync(Node, "admin")).PromoteToGlobalAdminAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        using var carolHttp = Node.Http(carol.Token);
        using var adminHttp = Node.Http(admin.Token);
        var url = receiver.UrlOf("access");

        // A member is no admin; an admin of another room is no admin of this one.
        await ProblemAssert.HasCodeAsync(await bobHttp.CreateWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(await bobHttp.GetAsync(WebhookApi.RoomWebhooks(room.Id)), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated);
        foreach (var outsider in new[] { bobHttp, carolHttp })
        {
            await ProblemAssert.HasCodeAsync(await outsider.GetWebhookAsync(webhook.Id), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
            await ProblemAssert.HasCodeAsync(await outsider.GetDeliveriesAsync(webhook.Id), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
            await ProblemAssert.HasCodeAsync(await outsider.DeleteWebhookAsync(webhook.Id), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        }

        await ProblemAssert.HasCodeAsync(await carolHttp.CreateWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        var carolsOwn = await carolHttp.RegisterWebhookAsync(otherRoom.Id, url, WebhookEventTypes.MemberJoined);
        Assert.Equal(carolsOwn.Id, Assert.Single(await carolHttp.GetAsync(WebhookApi.RoomWebhooks(otherRoom.Id)).ReadAsync<WebhookDto[]>()).Id);

        // A global admin manages every room's.
        var listed = await adminHttp.GetAsync(WebhookApi.RoomWebhooks(room.Id)).ReadAsync<WebhookDto[]>();
        Assert.Equal(webhook.Id, Assert.Single(listed).Id);
        Assert.Equal(otherRoom.Id, (await adminHttp.GetWebhookAsync(carolsOwn.Id).ReadAsync<WebhookDto>()).RoomId);
        await adminHttp.GetDeliveriesAsync(webhook.Id).ExpectAsync(HttpStatusCode.OK);
        await adminHttp.DeleteWebhookAsync(carolsOwn.Id).ExpectAsync(HttpStatusCode.NoContent);
        await ProblemAssert.HasCodeAsync(await carolHttp.GetWebhookAsync(carolsOwn.Id), HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await ProblemAssert.HasCodeAsync(await adminHttp.GetWebhookAsync(Guid.NewGuid()), HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await ProblemAssert.HasCodeAsync(await aliceHttp.CreateWebhookAsync(Guid.NewGuid(), url, WebhookEventTypes.MessageCreated), HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Global_webhooks_belong_to_global_admins_and_hear_every_room()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var admin = await (await TestUser.RegisterAsync(Node, "admin")).PromoteToGlobalAdminAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var adminHttp = Node.Http(admin.Token);
        var url = receiver.UrlOf("global");

        await ProblemAssert.HasCodeAsync(await aliceHttp.CreateGlobalWebhookAsync(url, WebhookEventTypes.MessageCreated), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(await aliceHttp.GetAsync(WebhookApi.GlobalWebhooks), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        var global = await adminHttp.CreateGlobalWebhookAsync(url, WebhookEventTypes.MessageCreated).ReadAsync<WebhookDto>(HttpStatusCode.Created);
        Assert.Null(global.RoomId);
        Assert.Contains(await adminHttp.GetAsync(WebhookApi.GlobalWebhooks).ReadAsync<WebhookDto[]>(), w => w.Id == global.Id);
        await ProblemAssert.HasCodeAsync(await aliceHttp.GetWebhookAsync(global.Id), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);

        var otherRoom = await bob.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var inFirst = await aliceHub.SendTextAsync(room.Id, "in the first room");
        var inSecond = await bobHub.SendTextAsync(otherRoom.Id, "in the second room");

        var heard = await receiver.EventsAsync(
            "global", global.Secret!, e => e.Data.GetProperty("id").GetGuid() is var id && (id == inFirst.MessageId || id == inSecond.MessageId), count: 2);
        Assert.Equal([room.Id, otherRoom.Id], heard.Select(e => e.RoomId).Order());
        await adminHttp.DeleteWebhookAsync(global.Id).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task The_secret_is_shown_in_the_answer_to_the_creation_only_and_signs_every_delivery()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);

        using var created = await aliceHttp.CreateWebhookAsync(room.Id, receiver.UrlOf("secret"), WebhookEventTypes.MessageCreated);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = (await created.Content.ReadFromJsonAsync<WebhookDto>(Json.Options))!;
        Assert.Equal($"/api/webhooks/{webhook.Id}", created.Headers.Location?.OriginalString);
        Assert.StartsWith("whsec_", webhook.Secret);
        Assert.True(webhook.Secret!.Length >= 40);
        Assert.Equal((room.Id, receiver.UrlOf("secret")), (webhook.RoomId, webhook.Url));
        Assert.Equal([WebhookEventTypes.MessageCreated], webhook.Events);

        var read = await aliceHttp.GetWebhookAsync(webhook.Id).ReadAsync<WebhookDto>();
        Assert.Equal(webhook with { Secret = null, Events = read.Events }, read);
        Assert.Null(Assert.Single(await aliceHttp.GetAsync(WebhookApi.RoomWebhooks(room.Id)).ReadAsync<WebhookDto[]>()).Secret);
        var other = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("secret-other"), WebhookEventTypes.MessageCreated);
        Assert.NotEqual(webhook.Secret, other.Secret);
        // Sealed with Webhooks:SecretKey: the database alone does not give the secret away.
        var stored = await fixture.ScalarAsync<string>("select secret from webhooks where id = @id", ("id", webhook.Id));
        Assert.DoesNotContain(webhook.Secret![6..], stored, StringComparison.Ordinal);
        Assert.StartsWith("aes256gcm:", stored);

        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.SendTextAsync(room.Id, "signed");
        var request = Assert.Single(await receiver.WaitForAsync("secret", r => r.Count == 1));
        request.Verified(webhook.Secret!);
        Assert.False(WebhookSignature.Verify(other.Secret!, request.Timestamp, request.Body, request.Signature, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public async Task The_webhook_routes_are_in_the_openapi_document()
    {
        using var http = Node.Http();
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/rooms/{id}/webhooks").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/admin/webhooks").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/webhooks/{id}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/webhooks/{id}/deliveries").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task A_registration_needs_a_url_and_known_event_types_and_a_room_holds_at_most_ten()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);
        var url = receiver.UrlOf("rules");

        var noEvents = await ProblemAssert.HasCodeAsync(await http.CreateWebhookAsync(room.Id, url), HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.True(noEvents.GetProperty("errors").TryGetProperty("events", out _));
        var unknown = await ProblemAssert.HasCodeAsync(
            await http.CreateWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated, "message.exploded"), HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.Contains("message.exploded", unknown.GetProperty("errors").GetProperty("events")[0].GetString());
        foreach (var bad in new[] { null, "", "not a url", "/relative/path", "ftp://127.0.0.1/hooks", "http://user:password@127.0.0.1/hooks" })
        {
            var problem = await ProblemAssert.HasCodeAsync(
                await http.CreateWebhookAsync(room.Id, bad, WebhookEventTypes.MessageCreated), HttpStatusCode.BadRequest, ErrorCodes.Invalid);
            Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), $"no url error for {bad}");
        }

        using var badLimit = await http.GetDeliveriesAsync((await http.RegisterWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated)).Id, limit: 0);
        await ProblemAssert.HasCodeAsync(badLimit, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        for (var i = 1; i < 10; i++)
        {
            await http.RegisterWebhookAsync(room.Id, $"{url}-{i}", WebhookEventTypes.MessageCreated);
        }

        await ProblemAssert.HasCodeAsync(await http.CreateWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated), HttpStatusCode.TooManyRequests, ErrorCodes.Limit);
        Assert.Equal(10, (await http.GetAsync(WebhookApi.RoomWebhooks(room.Id)).ReadAsync<WebhookDto[]>()).Length);
    }
}
