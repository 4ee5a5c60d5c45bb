using System.Net;
using Chat.Contracts;
using Chat.Data.Webhooks;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Webhooks;

/// <summary>Retries, giving up, deleting, and a receiver that hangs: what the service does when endpoints misbehave.</summary>
public sealed class WebhookDeliveryTests(WebhookNodeFixture fixture) : IClassFixture<WebhookNodeFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    private ChatNode Node => fixture.Node;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task An_endpoint_that_fails_twice_gets_the_same_delivery_again_until_it_accepts_it()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        receiver.AnswerWith("flaky", (_, before, _) => Task.FromResult(before < 2 ? 500 : 200));
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("flaky"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var ack = await bobHub.SendTextAsync(room.Id, "third time lucky");

        var requests = await receiver.WaitForAsync("flaky", r => r.Count == 3, what: "two failed attempts and a good one");
        var events = requests.Select(r => r.Verified(webhook.Secret!)).ToList();
        Assert.Single(events.Select(e => e.Id).Distinct());
        Assert.All(events, e => Assert.Equal(ack.MessageId, e.Data.GetProperty("id").GetGuid()));
        Assert.Single(requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        var delivery = await DeliveryAsync(aliceHttp, webhook, d => d.Status == WebhookDeliveryStatus.Delivered);
        Assert.Equal((events[0].Id, 3, (int?)200, (string?)null), (delivery.Id, delivery.Attempts, delivery.LastStatusCode, delivery.LastError));
        Assert.NotNull(delivery.DeliveredAt);
        Assert.Null(delivery.NextAttemptAt);
    }

    [Fact]
    public async Task A_delivery_that_always_fails_is_failed_once_the_retries_are_used_up()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        receiver.AnswerWith("broken", 503);
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("broken"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        await bobHub.SendTextAsync(room.Id, "into the void");

        var delivery = await DeliveryAsync(aliceHttp, webhook, d => d.Status == WebhookDeliveryStatus.Failed);
        Assert.Equal((WebhookNodeFixture.Attempts, (int?)503), (delivery.Attempts, delivery.LastStatusCode));
        Assert.Contains("503", delivery.LastError);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Null(delivery.DeliveredAt);
        var requests = receiver.RequestsTo("broken");
        Assert.Equal(WebhookNodeFixture.Attempts, requests.Count);
        Assert.Single(requests.Select(r => r.Verified(webhook.Secret!).Id).Distinct());
        await Poll.UntilAsync(
            async () => await PrometheusText.CounterAsync(Node, "chat_webhooks_attempts", "outcome=\"failed\"") >= 1
                && await PrometheusText.CounterAsync(Node, "chat_webhooks_attempts", "outcome=\"retried\"") >= WebhookNodeFixture.Attempts - 1,
            TimeSpan.FromSeconds(10),
            "the attempts counted by outcome");
    }

    [Fact]
    public async Task Deleting_a_webhook_drops_its_pending_retries_and_nothing_new_reaches_it()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        receiver.AnswerWith("deleted", 500);
        var doomed = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("deleted"), WebhookEventTypes.MessageCreated);
        var kept = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("kept"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.SendTextAsync(room.Id, "before");
        await receiver.WaitForAsync("deleted", r => r.Count == 1, what: "the first attempt");

        await aliceHttp.DeleteWebhookAsync(doomed.Id).ExpectAsync(HttpStatusCode.NoContent);
        var after = await bobHub.SendTextAsync(room.Id, "after");

        await receiver.EventsAsync("kept", kept.Secret!, e => e.Data.GetProperty("id").GetGuid() == after.MessageId);
        await aliceHttp.GetWebhookAsync(doomed.Id).ExpectAsync(HttpStatusCode.NotFound);
        await aliceHttp.GetDeliveriesAsync(doomed.Id).ExpectAsync(HttpStatusCode.NotFound);
        // Its retry was due a second after the first attempt: give it three.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(receiver.RequestsTo("deleted"));
    }

    [Fact]
    public async Task Sends_are_acked_while_the_endpoint_holds_every_delivery_unanswered()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = 0;
        receiver.AnswerWith("hanging", async (_, _, aborted) =>
        {
            await release.Task.WaitAsync(aborted);
            Interlocked.Increment(ref answered);
            return 200;
        });
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("hanging"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        try
        {
            await bobHub.SendTextAsync(room.Id, "first");
            await receiver.WaitForAsync("hanging", r => r.Count == 1, what: "the first delivery, held");

            var acks = new List<MessageAck>();
            for (var i = 0; i < 20; i++)
            {
                acks.Add(await bobHub.SendTextAsync(room.Id, $"while it hangs {i}"));
            }

            // Every send was stored and acked while the endpoint had answered nothing, so none
            // waited for a delivery; the deliveries are there, pending.
            Assert.Equal(0, Volatile.Read(ref answered));
            Assert.Equal(20, acks.Select(a => a.Seq).Distinct().Count());
            var deliveries = await aliceHttp.DeliveriesAsync(webhook.Id);
            Assert.Equal(21, deliveries.Length);
            Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        }
        finally
        {
            release.SetResult();
        }

        await DeliveryAsync(aliceHttp, webhook, _ => true, all: d => d.Status == WebhookDeliveryStatus.Delivered);
    }

    [Fact]
    public async Task Deliveries_go_on_after_the_database_ended_every_session_of_the_node()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("restart"), WebhookEventTypes.MessageCreated);
        using var bobHttp = Node.Http(bob.Token);
        await bobHttp.PostMessageAsync(room.Id, new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "before")).ExpectSuccessAsync();
        await receiver.WaitForAsync("restart", r => r.Count == 1, what: "the first delivery");

        // What a restart of PostgreSQL does to the node: its listening connection too is gone.
        Assert.True(await TestServers.EndSessionsAsync(fixture.DatabaseName) > 0);
        // One client message id for every try: a send whose answer the outage lost is stored once.
        var after = new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "after");
        await Poll.UntilAsync(
            async () => (await bobHttp.PostMessageAsync(room.Id, after)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(20),
            "a send after the sessions ended");

        Assert.Single(await receiver.EventsAsync("restart", webhook.Secret!, e => e.Data.GetProperty("content").GetString() == "after"));
    }

    [Fact]
    public async Task Finished_deliveries_older_than_the_keeping_time_are_deleted_and_pending_ones_kept()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("old"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await bobHub.SendTextAsync(room.Id, "long ago");
        await bobHub.SendTextAsync(room.Id, "still waiting");
        await DeliveryAsync(aliceHttp, webhook, _ => true, all: d => d.Status == WebhookDeliveryStatus.Delivered);
        // Both from eight days ago; one of them still waiting for a retry far ahead.
        await fixture.ExecuteAsync(
            "update webhook_deliveries set created_at = created_at - interval '8 days' where webhook_id = @id", ("id", webhook.Id));
        await fixture.ExecuteAsync(
            """
            update webhook_deliveries set status = 'pending', next_attempt_at = now() + interval '1 day'
            where id = (select id from webhook_deliveries where webhook_id = @id order by created_at desc, id desc limit 1)
            """,
            ("id", webhook.Id));

        // What the worker does every ten minutes.
        await Node.Services.GetRequiredService<WebhookRepository>().PurgeAsync(TimeSpan.FromDays(7), 1_000);

        var left = Assert.Single(await aliceHttp.DeliveriesAsync(webhook.Id));
        Assert.Equal(WebhookDeliveryStatus.Pending, left.Status);
    }

    /// <summary>Polls the endpoint's single delivery (every delivery, with <paramref name="all"/>) until it satisfies the condition.</summary>
    private static async Task<WebhookDeliveryDto> DeliveryAsync(
        HttpClient http, WebhookDto webhook, Func<WebhookDeliveryDto, bool> condition, Func<WebhookDeliveryDto, bool>? all = null)
    {
        WebhookDeliveryDto[] deliveries = [];
        await Poll.UntilAsync(
            async () =>
            {
                deliveries = await http.DeliveriesAsync(webhook.Id);
                return all is null ? deliveries is [var one] && condition(one) : deliveries.Length > 0 && deliveries.All(all);
            },
            TimeSpan.FromSeconds(20),
            "the deliveries as expected");
        return deliveries[0];
    }
}
