using System.Net;
using System.Text;
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

        // Each delivery is tried three times, then failed; the second failed one pauses.
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
        Assert.All(deliveriesWhilePaused, d => Assert.Equal((WebhookDeliveryStatus.Failed, PausingWebhookNodeFixture.Attempts), (d.Status, d.Attempts)));
        await ProblemAssert.HasCodeAsync(bobResumes, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        Assert.Null(resumed.PausedAt);
        Assert.Single(heard);
        // The message sent while it was paused was never written for it, and is not sent later.
        var deliveries = await aliceHttp.DeliveriesAsync(webhook.Id);
        Assert.Equal(3, deliveries.Length);
        Assert.DoesNotContain(receiver.EventsOf("gone", webhook.Secret!), e => e.Data.GetProperty("id").GetGuid() == whilePaused.MessageId);
        Assert.NotNull(paused.PausedAt);
    }

    [Fact]
    public async Task A_delivery_still_on_its_way_that_gets_through_resumes_a_paused_endpoint()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        const string Held = "held-back-delivery";
        var answerLate = new TaskCompletionSource();
        // The held message's first attempt is left unanswered (within the node's timeout) until the
        // endpoint is paused; until then everything else fails, and afterwards everything is taken.
        receiver.AnswerWith("flaky", async (request, _, aborted) =>
        {
            if (answerLate.Task.IsCompleted)
            {
                return 200;
            }

            if (!Encoding.UTF8.GetString(request.Body).Contains(Held, StringComparison.Ordinal))
            {
                return 503;
            }

            await answerLate.Task.WaitAsync(aborted);
            return 200;
        });
        var webhook = await aliceHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("flaky"), WebhookEventTypes.MessageCreated);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var late = await bobHub.SendTextAsync(room.Id, Held);
        await bobHub.SendTextAsync(room.Id, "one");
        await bobHub.SendTextAsync(room.Id, "two");
        var paused = await PollAsync(aliceHttp, webhook.Id, w => w.PausedAt is not null, "the endpoint paused");
        answerLate.SetResult();
        var resumed = await PollAsync(aliceHttp, webhook.Id, w => w.PausedAt is null, "the endpoint resumed by the late delivery");
        var afterwards = await bobHub.SendTextAsync(room.Id, "after it came back");
        var heard = await receiver.EventsAsync("flaky", webhook.Secret!, e => e.Data.GetProperty("id").GetGuid() == afterwards.MessageId);

        Assert.NotNull(paused.PausedAt);
        Assert.Null(resumed.PausedAt);
        Assert.Single(heard);
        var deliveries = await aliceHttp.DeliveriesAsync(webhook.Id);
        Assert.Equal(WebhookDeliveryStatus.Delivered, deliveries.Single(d => receiver.EventsOf("flaky", webhook.Secret!)
            .Any(e => e.Id == d.Id && e.Data.GetProperty("id").GetGuid() == late.MessageId)).Status);
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
