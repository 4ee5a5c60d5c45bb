using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>What a receiving service gets: each event of its room once, signed, with the data the REST API shows.</summary>
public sealed class WebhookEventTests(WebhookNodeFixture fixture) : IClassFixture<WebhookNodeFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    private ChatNode Node => fixture.Node;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_message_created_edited_and_deleted_reaches_the_endpoint_once_per_change_as_the_rest_api_shows_it()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var webhook = await aliceHttp.RegisterWebhookAsync(
            room.Id, receiver.UrlOf("messages"), WebhookEventTypes.MessageCreated, WebhookEventTypes.MessageUpdated, WebhookEventTypes.MessageDeleted);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var ack = await bobHub.SendTextAsync(room.Id, "first words");
        var created = await OneEventAsync("messages", webhook, WebhookEventTypes.MessageCreated, ack.MessageId);
        await AssertShownByRestAsync(aliceHttp, room.Id, created);
        Assert.Equal("first words", created.Data.GetProperty("content").GetString());

        await bobHub.EditMessageAsync(room.Id, ack.MessageId, "better words");
        var updated = await OneEventAsync("messages", webhook, WebhookEventTypes.MessageUpdated, ack.MessageId);
        await AssertShownByRestAsync(aliceHttp, room.Id, updated);
        Assert.Equal("better words", updated.Data.GetProperty("content").GetString());

        await bobHub.DeleteMessageAsync(room.Id, ack.MessageId);
        var deleted = await OneEventAsync("messages", webhook, WebhookEventTypes.MessageDeleted, ack.MessageId);
        await AssertShownByRestAsync(aliceHttp, room.Id, deleted);
        Assert.True(deleted.Data.GetProperty("deleted").GetBoolean());

        // Each change once, each with an id of its own, each taken at the first attempt.
        var events = receiver.EventsOf("messages", webhook.Secret!).Where(e => MessageIdOf(e) == ack.MessageId).ToList();
        Assert.Equal([WebhookEventTypes.MessageCreated, WebhookEventTypes.MessageUpdated, WebhookEventTypes.MessageDeleted], events.Select(e => e.Type));
        Assert.Equal(3, events.Select(e => e.Id).Distinct().Count());
        Assert.All(events, e => Assert.Equal(room.Id, e.RoomId));
        var deliveries = await aliceHttp.DeliveriesAsync(webhook.Id);
        Assert.Equal(events.Select(e => e.Id).Reverse(), deliveries.Select(d => d.Id));
        Assert.All(deliveries, d => Assert.Equal((WebhookDeliveryStatus.Delivered, 1, (int?)200), (d.Status, d.Attempts, d.LastStatusCode)));
        Assert.All(receiver.RequestsTo("messages"), r => Assert.Equal("application/json", r.ContentType?.Split(';')[0]));
    }

    [Fact]
    public async Task Joins_role_changes_leaves_and_every_sanction_reach_the_endpoint_once_each_with_who_did_it()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var webhook = await aliceHttp.RegisterWebhookAsync(
            room.Id,
            receiver.UrlOf("members"),
            [.. WebhookEventTypes.All.Where(t => t.StartsWith("member.", StringComparison.Ordinal) || t.StartsWith("moderation.", StringComparison.Ordinal))]);
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var dave = await TestUser.RegisterAsync(Node, "dave");

        await bob.JoinAsync(Node, room.Id);
        var joined = await NextAsync(webhook, WebhookEventTypes.MemberJoined, bob.Id);
        await AssertMemberShownByRestAsync(aliceHttp, room.Id, joined);

        await aliceHttp.ChangeRoleAsync(room.Id, bob.Id, "moderator").ExpectSuccessAsync();
        var promoted = await NextAsync(webhook, WebhookEventTypes.MemberRoleChanged, bob.Id);
        await AssertMemberShownByRestAsync(aliceHttp, room.Id, promoted);
        Assert.Equal("moderator", promoted.Data.GetProperty("role").GetString());

        await carol.JoinAsync(Node, room.Id);
        var muted = await aliceHttp.MuteAsync(room.Id, carol.Id, 600).ReadAsync<MemberDto>();
        Assert.Equal(new WebhookMemberEvent(room.Id, carol.Id, alice.Id, null, muted.MutedUntil), MemberEvent(await NextAsync(webhook, WebhookEventTypes.ModerationMuted, carol.Id)));
        await aliceHttp.UnmuteAsync(room.Id, carol.Id).ExpectSuccessAsync();
        Assert.Equal(new WebhookMemberEvent(room.Id, carol.Id, alice.Id), MemberEvent(await NextAsync(webhook, WebhookEventTypes.ModerationUnmuted, carol.Id)));
        await aliceHttp.KickAsync(room.Id, carol.Id, " spamming ").ExpectSuccessAsync();
        var kick = new WebhookMemberEvent(room.Id, carol.Id, alice.Id, "spamming");
        Assert.Equal(kick, MemberEvent(await NextAsync(webhook, WebhookEventTypes.ModerationKicked, carol.Id)));
        Assert.Equal(kick, MemberEvent(await NextAsync(webhook, WebhookEventTypes.MemberLeft, carol.Id)));

        using (var bobHttp = Node.Http(bob.Token))
        {
            await bobHttp.LeaveAsync(room.Id).ExpectSuccessAsync();
        }

        Assert.Equal(new WebhookMemberEvent(room.Id, bob.Id), MemberEvent(await NextAsync(webhook, WebhookEventTypes.MemberLeft, bob.Id)));

        await dave.JoinAsync(Node, room.Id);
        await aliceHttp.BanAsync(room.Id, dave.Id, "abuse").ExpectSuccessAsync();
        var ban = new WebhookMemberEvent(room.Id, dave.Id, alice.Id, "abuse");
        Assert.Equal(ban, MemberEvent(await NextAsync(webhook, WebhookEventTypes.ModerationBanned, dave.Id)));
        Assert.Equal(ban, MemberEvent(await NextAsync(webhook, WebhookEventTypes.MemberLeft, dave.Id)));
        await aliceHttp.UnbanAsync(room.Id, dave.Id).ExpectSuccessAsync();
        Assert.Equal(new WebhookMemberEvent(room.Id, dave.Id, alice.Id), MemberEvent(await NextAsync(webhook, WebhookEventTypes.ModerationUnbanned, dave.Id)));

        // Lifting a ban that is not there, or a mute the member does not have, is no event.
        await aliceHttp.UnbanAsync(room.Id, dave.Id).ExpectSuccessAsync();
        await dave.JoinAsync(Node, room.Id);
        await aliceHttp.UnmuteAsync(room.Id, dave.Id).ExpectSuccessAsync();
        await NextAsync(webhook, WebhookEventTypes.MemberJoined, dave.Id, nth: 2);

        // Each once: the kick's two events, and the ban's, come in either order.
        var events = receiver.EventsOf("members", webhook.Secret!);
        string[] expected =
        [
            "member.joined", "member.role_changed", "member.joined", "moderation.muted", "moderation.unmuted", "moderation.kicked",
            "member.left", "member.left", "member.joined", "moderation.banned", "member.left", "moderation.unbanned", "member.joined",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), events.Select(e => e.Type).Order(StringComparer.Ordinal));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        var deliveries = await aliceHttp.DeliveriesAsync(webhook.Id);
        Assert.Equal(expected.Order(StringComparer.Ordinal), deliveries.Select(d => d.EventType).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Private_messages_are_never_delivered_nor_their_edits_and_deletions()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var webhook = await aliceHttp.RegisterWebhookAsync(
            room.Id, receiver.UrlOf("private"), WebhookEventTypes.MessageCreated, WebhookEventTypes.MessageUpdated, WebhookEventTypes.MessageDeleted);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var whisper = await bobHub.SendPrivateAsync(room.Id, alice.Id, "just between us");
        await bobHub.EditMessageAsync(room.Id, whisper.MessageId, "still between us");
        await bobHub.DeleteMessageAsync(room.Id, whisper.MessageId);
        var aloud = await bobHub.SendTextAsync(room.Id, "hello everyone");

        await receiver.EventsAsync("private", webhook.Secret!, e => MessageIdOf(e) == aloud.MessageId);
        // The outbox holds what was written with the messages: the public one alone.
        var delivery = Assert.Single(await aliceHttp.DeliveriesAsync(webhook.Id));
        Assert.Equal(WebhookEventTypes.MessageCreated, delivery.EventType);
        Assert.DoesNotContain(receiver.EventsOf("private", webhook.Secret!), e => MessageIdOf(e) == whisper.MessageId);
    }

    [Fact]
    public async Task Pins_unpins_and_a_deletion_that_unpins_arrive_as_the_hub_events_carry_them()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var webhook = await aliceHttp.RegisterWebhookAsync(
            room.Id, receiver.UrlOf("pins"), WebhookEventTypes.MessagePinned, WebhookEventTypes.MessageUnpinned);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var kept = await bobHub.SendTextAsync(room.Id, "worth keeping");
        var dropped = await bobHub.SendTextAsync(room.Id, "not for long");

        // alice made the room, so she may pin; the hub's events are what the webhook must match.
        await aliceHub.PinMessageAsync(room.Id, kept.MessageId);
        var pinEvent = await bobHub.NextPinAsync();
        await aliceHub.UnpinMessageAsync(room.Id, kept.MessageId);
        await aliceHub.PinMessageAsync(room.Id, dropped.MessageId);
        await aliceHub.DeleteMessageAsync(room.Id, dropped.MessageId);

        var pinned = await receiver.EventsAsync("pins", webhook.Secret!, e => e.Type == WebhookEventTypes.MessagePinned, 2);
        var pin = pinned.Select(e => e.Data.Deserialize<PinDto>(Json.Options)!).Single(p => p.Message.Id == kept.MessageId);
        Assert.Equal(
            (pinEvent.RoomId, pinEvent.Message.Id, pinEvent.Message.Content, pinEvent.PinnedBy, pinEvent.PinnedAt),
            (pin.RoomId, pin.Message.Id, pin.Message.Content, pin.PinnedBy, pin.PinnedAt));
        var unpinned = await receiver.EventsAsync("pins", webhook.Secret!, e => e.Type == WebhookEventTypes.MessageUnpinned, 2);
        Assert.Equal(
            [new MessageUnpinnedEvent(room.Id, kept.MessageId, alice.Id), new MessageUnpinnedEvent(room.Id, dropped.MessageId, alice.Id)],
            unpinned.Select(e => e.Data.Deserialize<MessageUnpinnedEvent>(Json.Options)!).OrderBy(e => e.MessageId == dropped.MessageId));
    }

    /// <summary>The <paramref name="nth"/> event of <paramref name="type"/> about <paramref name="userId"/>.</summary>
    private async Task<WebhookEvent> NextAsync(WebhookDto webhook, string type, Guid userId, int nth = 1) =>
        (await receiver.EventsAsync(
            "members", webhook.Secret!, e => e.Type == type && e.Data.GetProperty("userId").GetGuid() == userId, nth))[nth - 1];

    private static WebhookMemberEvent MemberEvent(WebhookEvent e) => e.Data.Deserialize<WebhookMemberEvent>(Json.Options)!;

    /// <summary>The event's data is, field for field, the member the REST API lists now.</summary>
    private static async Task AssertMemberShownByRestAsync(HttpClient http, Guid roomId, WebhookEvent e)
    {
        var members = JsonNode.Parse(await http.GetStringAsync(ApiRoutes.Members(roomId)))!.AsArray();
        var userId = e.Data.GetProperty("userId").GetGuid();
        var shown = Assert.Single(members, m => m!["userId"]!.GetValue<Guid>() == userId);
        var data = JsonNode.Parse(e.Data.GetRawText());
        Assert.True(JsonNode.DeepEquals(shown, data), $"the REST API lists {shown!.ToJsonString()}, the event carried {data!.ToJsonString()}");
    }

    private async Task<WebhookEvent> OneEventAsync(string endpoint, WebhookDto webhook, string type, Guid messageId) =>
        Assert.Single(await receiver.EventsAsync(endpoint, webhook.Secret!, e => e.Type == type && MessageIdOf(e) == messageId));

    private static Guid? MessageIdOf(WebhookEvent e) =>
        e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("id", out var id) ? id.GetGuid() : null;

    /// <summary>The event's data is, field for field, the message the REST API's history shows now.</summary>
    private static async Task AssertShownByRestAsync(HttpClient http, Guid roomId, WebhookEvent e)
    {
        var history = JsonNode.Parse(await http.GetStringAsync(ApiRoutes.Messages(roomId)))!.AsArray();
        var shown = Assert.Single(history, m => m!["id"]!.GetValue<Guid>() == MessageIdOf(e));
        var data = JsonNode.Parse(e.Data.GetRawText());
        Assert.True(JsonNode.DeepEquals(shown, data), $"the REST API shows {shown!.ToJsonString()}, the event carried {data!.ToJsonString()}");
    }
}
