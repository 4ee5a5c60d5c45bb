using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>
/// An endpoint whose deliveries keep failing is paused: its events are no longer written for it,
/// and an admin's resume brings them back.
/// </summary>
public sealed class WebhookPauseTests(PausingWebhookNodeFixture fixture) : IClassFixture<PausingWebhookNodeFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    private ChatNode Node => fixture.Node;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task An_endpoint_whose_deliveries_fail_in_a_row_is_paused_gets_nothing_new_and_hears_events_again_once_resumed()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        var back = new TaskCompletionSource();
        receiver.AnswerWith("gone", (_, _, _) => Task.FromResult(back.Task.IsCompleted ? 200 : 503));
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("gone"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        // Each delivery is tried twice (one retry), then failed; the second failed one pauses.
        await bobHub.SendTextAsync(room.Id, "one");
        await bobHub.SendTextAsync(room.Id, "two");
        var paused = await PollAsync(aliceHttp, webhook.Id, w => w.PausedAt is not null, "the endpoint paused");
        var whilePaused = await bobHub.SendTextAsync(room.Id, "three, while it is paused");
        var deliveriesWhilePaused = await aliceHttp.DeliveriesAsync(webhook.Id);
        var bobResumes = await bobHttp.PostAsync($"{WebhookApi.Webhook(webhook.Id)}/resume", null);
        back.SetResult();
        var resumed = await aliceHttp.PostAsync($"{WebhookApi.Webhook(webhook.Id)}/resume", null).ReadAsync<WebhookDto>();
        var afterResume = await bobHub.SendTextAsync(room.Id, "four, once resumed");
        var heard = await receiver.EventsAsync("gone", webhook.Secret!, e => e.Data.GetProperty("id").GetGuid() == afterResume.MessageId);

        Assert.Equal(2, deliveriesWhilePaused.Length);
        Assert.All(deliveriesWhilePaused, d => Assert.Equal((WebhookDeliveryStatus.Failed, 2), (d.Status, d.Attempts)));
        await ProblemAssert.HasCodeAsync(bobResumes, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        Assert.Null(resumed.PausedAt);
        Assert.Single(heard);
        // The message sent while it was paused was never written for it, and is not sent later.
        var deliveries = await aliceHttp.DeliveriesAsync(webhook.Id);
        Assert.Equal(3, deliveries.Length);
        Assert.DoesNotContain(receiver.EventsOf("gone", webhook.Secret!), e => e.Data.GetProperty("id").GetGuid() == whilePaused.MessageId);
        Assert.NotNull(paused.PausedAt);
    }

    private static async Task<WebhookDto> PollAsync(HttpClient http, Guid webhookId, Func<WebhookDto, bool> condition, string what)
    {
        WebhookDto webhook = null!;
        await Poll.UntilAsync(
            async () => condition(webhook = await http.GetWebhookAsync(webhookId).ReadAsync<WebhookDto>()),
            TimeSpan.FromSeconds(20),
            what);
        return webhook;
    }
}
