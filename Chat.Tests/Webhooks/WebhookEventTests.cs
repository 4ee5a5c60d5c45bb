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
