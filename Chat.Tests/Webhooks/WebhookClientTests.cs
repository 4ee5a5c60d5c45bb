using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>Another service managing its webhooks through the typed client, and checking what it receives.</summary>
public sealed class WebhookClientTests(WebhookNodeFixture fixture) : IClassFixture<WebhookNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_service_registers_reads_and_deletes_webhooks_with_the_typed_client_and_verifies_what_arrives()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var admin = await (await TestUser.RegisterAsync(Node, "admin")).PromoteToGlobalAdminAsync(Node);
        var aliceRest = ClientFactory.Rest(Node.Address, alice.Token);
        var adminRest = ClientFactory.Rest(Node.Address, admin.Token);

        var webhook = await aliceRest.CreateWebhookAsync(room.Id, receiver.UrlOf("typed"), [WebhookEventTypes.MessageCreated]);
        var global = await adminRest.CreateGlobalWebhookAsync(receiver.UrlOf("typed-global"), [WebhookEventTypes.ModerationBanned]);
        var ack = await ClientFactory.Rest(Node.Address, bob.Token).SendTextAsync(room.Id, "through the typed client");

        var delivered = Assert.Single(await receiver.EventsAsync("typed", webhook.Secret!, e => e.Data.GetProperty("id").GetGuid() == ack.MessageId));
        Assert.Equal((WebhookEventTypes.MessageCreated, room.Id), (delivered.Type, delivered.RoomId));
        Assert.Equal(webhook.Id, Assert.Single(await aliceRest.GetWebhooksAsync(room.Id)).Id);
        Assert.Null((await aliceRest.GetWebhookAsync(webhook.Id)).Secret);
        Assert.Contains(await adminRest.GetGlobalWebhooksAsync(), w => w.Id == global.Id);
        WebhookDeliveryDto[] deliveries = [];
        await Poll.UntilAsync(
            async () => (deliveries = await aliceRest.GetWebhookDeliveriesAsync(webhook.Id, limit: 10)) is [{ Status: WebhookDeliveryStatus.Delivered }],
            TimeSpan.FromSeconds(10),
            "the delivery recorded");
        Assert.Equal(delivered.Id, deliveries[0].Id);

        await aliceRest.DeleteWebhookAsync(webhook.Id);
        await adminRest.DeleteWebhookAsync(global.Id);
        var gone = await Assert.ThrowsAsync<ChatServiceException>(() => aliceRest.GetWebhookAsync(webhook.Id));
        Assert.Equal(ErrorCodes.NotFound, gone.Code);
        var refused = await Assert.ThrowsAsync<ChatServiceException>(() => aliceRest.CreateWebhookAsync(room.Id, "ftp://nowhere", ["message.created"]));
        Assert.Equal(ErrorCodes.Invalid, refused.Code);
    }
}
