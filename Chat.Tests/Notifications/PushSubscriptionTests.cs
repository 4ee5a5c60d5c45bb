using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Notifications;

/// <summary>
/// The REST side of offline notifications on a node configured as in production: the public key,
/// subscriptions and what is checked about them, and muting a room's notifications.
/// </summary>
public sealed class PushSubscriptionTests(SecurePushNodeFixture fixture) : IClassFixture<SecurePushNodeFixture>
{
    // A point of the curve's own (its generator), so only the part under test is wrong in each case.
    private const string ValidP256dh = "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU";
    private const string ValidAuth = "AAECAwQFBgcICQoLDA0ODw";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task The_public_key_is_the_one_the_node_signs_with()
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);

        var key = await http.PublicKeyAsync().ReadAsync<PushPublicKeyDto>();

        Assert.Equal(fixture.PublicKey, key.PublicKey);
    }

    [Fact]
    public async Task A_subscription_as_a_browser_gives_it_is_stored()
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);

        var stored = await http.SubscribeAsync(Subscription("https://fcm.googleapis.com/fcm/send/abc:APA91b"));
        var padded = await http.SubscribeAsync(new PushSubscriptionRequest(
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA", new PushSubscriptionKeys(ValidP256dh + "=", ValidAuth + "==")));

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(HttpStatusCode.Created, padded.StatusCode);
        Assert.Equal(2L, await CountAsync(user));
    }

    [Theory]
    [InlineData(null, "endpoint")]
    [InlineData("", "endpoint")]
    [InlineData("not a url", "endpoint")]
    [InlineData("/push/relative", "endpoint")]
    [InlineData("http://push.example.com/plain-http", "endpoint")]
    [InlineData("ftp://push.example.com/x", "endpoint")]
    [InlineData("https://user:secret@push.example.com/x", "endpoint")]
    [InlineData("https://127.0.0.1/loopback", "endpoint")]
    [InlineData("https://10.1.2.3/private", "endpoint")]
    [InlineData("https://[::1]/loopback", "endpoint")]
    [InlineData("https://localhost/loopback", "endpoint")]
    [InlineData("https://169.254.169.254/latest/meta-data", "endpoint")]
    public async Task An_endpoint_that_is_not_an_https_push_service_is_invalid(string? endpoint, string field)
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);

        var refused = await http.SubscribeAsync(new PushSubscriptionRequest(endpoint, new PushSubscriptionKeys(ValidP256dh, ValidAuth)));

        await ExpectInvalidAsync(refused, field);
        Assert.Equal(0L, await CountAsync(user));
    }

    [Theory]
    [InlineData(ValidP256dh + "AA", ValidAuth, "keys.p256dh")]
    [InlineData("BGsX0fLhLEJH", ValidAuth, "keys.p256dh")]
    [InlineData("not*base64url!", ValidAuth, "keys.p256dh")]
    [InlineData(null, ValidAuth, "keys.p256dh")]
    // 0x04 and 64 bytes of 0x01: the right shape, but not a point on P-256.
    [InlineData("BAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE", ValidAuth, "keys.p256dh")]
    // A compressed point: browsers send the uncompressed form.
    [InlineData("A2sX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKW", ValidAuth, "keys.p256dh")]
    [InlineData(ValidP256dh, "AAECAwQFBgcICQoLDA0O", "keys.auth")]
    [InlineData(ValidP256dh, "AAECAwQFBgcICQoLDA0ODxA", "keys.auth")]
    [InlineData(ValidP256dh, "", "keys.auth")]
    public async Task Keys_that_are_not_a_browsers_are_invalid(string? p256dh, string auth, string field)
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);

        var refused = await http.SubscribeAsync(new PushSubscriptionRequest("https://push.example.com/x", new PushSubscriptionKeys(p256dh, auth)));

        await ExpectInvalidAsync(refused, field);
    }

    [Fact]
    public async Task A_subscription_without_keys_is_invalid()
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);

        await ExpectInvalidAsync(await http.SubscribeAsync(new PushSubscriptionRequest("https://push.example.com/x", null)), "keys");
        await ExpectInvalidAsync(await http.UnsubscribeAsync(null), "endpoint");
    }

    [Fact]
    public async Task A_user_has_at_most_ten_subscriptions_and_posting_one_again_updates_it()
    {
        var user = await TestUser.RegisterAsync(Node, "user");
        using var http = Node.Http(user.Token);
        for (var i = 0; i < 10; i++)
        {
            await http.SubscribeAsync(Subscription($"https://push.example.com/{i}")).ExpectAsync(HttpStatusCode.Created);
        }

        var again = await http.SubscribeAsync(new PushSubscriptionRequest(
            "https://push.example.com/0", new PushSubscriptionKeys(ValidP256dh, "Dw4NDAsKCQgHBgUEAwIBAA")));
        var eleventh = await http.SubscribeAsync(Subscription("https://push.example.com/10"));
        await http.UnsubscribeAsync("https://push.example.com/3").ExpectAsync(HttpStatusCode.NoContent);
        var inItsPlace = await http.SubscribeAsync(Subscription("https://push.example.com/10"));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        await ProblemAssert.HasCodeAsync(eleventh, HttpStatusCode.TooManyRequests, ErrorCodes.Limit);
        Assert.Equal(HttpStatusCode.Created, inItsPlace.StatusCode);
        Assert.Equal(10L, await CountAsync(user));
        Assert.Equal(
            "0f0e0d0c0b0a09080706050403020100",
            await fixture.ScalarAsync<string>("select encode(auth, 'hex') from push_subscriptions where endpoint = 'https://push.example.com/0'"));
    }

    [Fact]
    public async Task An_endpoint_belongs_to_the_user_who_subscribed_in_that_browser_last()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        var endpoint = $"https://push.example.com/shared-{Guid.NewGuid():N}";

        await aliceHttp.SubscribeAsync(Subscription(endpoint)).ExpectAsync(HttpStatusCode.Created);
        await bobHttp.SubscribeAsync(Subscription(endpoint)).ExpectAsync(HttpStatusCode.Created);
        // Alice removing "her" endpoint now removes nothing of bob's.
        await aliceHttp.UnsubscribeAsync(endpoint).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(0L, await CountAsync(alice));
        Assert.Equal(1L, await CountAsync(bob));
    }

    [Fact]
    public async Task A_member_mutes_a_rooms_notifications_and_sees_it_wherever_the_room_is_shown()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var bobHttp = Node.Http(bob.Token);
        using var aliceHttp = Node.Http(alice.Token);

        await bobHttp.SetNotificationsMutedAsync(room.Id, muted: true).ExpectAsync(HttpStatusCode.NoContent);
        await using (var bobHub = await HubClient.ConnectAsync(Node, bob))
        {
            Assert.True((await bobHub.JoinRoomAsync(room.Id)).Room.NotificationsMuted);
        }

        Assert.True((await bobHttp.RoomAsync(room.Id)).NotificationsMuted);
        Assert.True(Assert.Single(await bobHttp.RoomsAsync(), r => r.Id == room.Id).NotificationsMuted);
        // A preference of bob's alone.
        Assert.False((await aliceHttp.RoomAsync(room.Id)).NotificationsMuted);

        await bobHttp.SetNotificationsMutedAsync(room.Id, muted: false).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False((await bobHttp.RoomAsync(room.Id)).NotificationsMuted);
        Assert.False(Assert.Single(await bobHttp.RoomsAsync(), r => r.Id == room.Id).NotificationsMuted);
    }

    [Fact]
    public async Task Only_members_mute_a_rooms_notifications()
    {
        var (alice, _, room) = await TestRooms.OfTwoAsync(Node);
        var secret = await alice.CreateRoomAsync(Node, isPrivate: true);
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        using var http = Node.Http(outsider.Token);

        await ProblemAssert.HasCodeAsync(await http.SetNotificationsMutedAsync(room.Id, true), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(await http.SetNotificationsMutedAsync(secret.Id, true), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(await http.SetNotificationsMutedAsync(Guid.NewGuid(), true), HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    private static PushSubscriptionRequest Subscription(string endpoint) => new(endpoint, new PushSubscriptionKeys(ValidP256dh, ValidAuth));

    private async Task<long> CountAsync(TestUser user) =>
        await fixture.ScalarAsync<long>("select count(*) from push_subscriptions where user_id = @UserId", ("UserId", user.Id));

    private static async Task ExpectInvalidAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAssert.HasCodeAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"an error for {field} expected: {problem}");
    }
}

/// <summary>A node without VAPID keys: push is off, and everything else works as before.</summary>
public sealed class PushOffTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Without_keys_push_is_not_found_and_nothing_else_breaks()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var bobHttp = Node.Http(bob.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        await ProblemAssert.HasCodeAsync(await bobHttp.PublicKeyAsync(), HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await ProblemAssert.HasCodeAsync(
            await bobHttp.SubscribeAsync(new PushSubscriptionRequest("https://push.example.com/x", new PushSubscriptionKeys("a", "b"))),
            HttpStatusCode.NotFound,
            ErrorCodes.NotFound);
        await bobHttp.SetNotificationsMutedAsync(room.Id, true).ExpectAsync(HttpStatusCode.NoContent);
        var sent = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "still works");

        Assert.Contains(await bobHttp.HistoryAsync(room.Id), m => m.Id == sent.MessageId);
        Assert.True((await bobHttp.RoomAsync(room.Id)).NotificationsMuted);
    }

    [Theory]
    [InlineData(true, false, "mailto:ops@example.com")]
    [InlineData(false, true, "mailto:ops@example.com")]
    [InlineData(true, true, "")]
    [InlineData(true, true, "ops@example.com")]
    [InlineData(true, true, "http://example.com/contact")]
    public async Task A_node_with_half_a_key_pair_or_no_subject_does_not_start(bool withPublic, bool withPrivate, string subject)
    {
        var (publicKey, privateKey) = PushApi.NewKeyPair();
        var settings = new Dictionary<string, string?>
        {
            ["Push:VapidPublicKey"] = withPublic ? publicKey : "",
            ["Push:VapidPrivateKey"] = withPrivate ? privateKey : "",
            ["Push:Subject"] = subject,
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await (await LoneNode.StartAsync(settings)).DisposeAsync());

        Assert.Contains("Push:", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_keys_are_not_a_pair_does_not_start()
    {
        var (publicKey, _) = PushApi.NewKeyPair();
        var (_, otherPrivateKey) = PushApi.NewKeyPair();
        var settings = new Dictionary<string, string?>
        {
            ["Push:VapidPublicKey"] = publicKey,
            ["Push:VapidPrivateKey"] = otherPrivateKey,
            ["Push:Subject"] = "mailto:ops@example.com",
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await (await LoneNode.StartAsync(settings)).DisposeAsync());

        Assert.Contains("is not the public key of Push:VapidPrivateKey", failure.ToString(), StringComparison.Ordinal);
    }
}
