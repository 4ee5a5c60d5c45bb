using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>A node killed while it holds deliveries: another node delivers every one of them once the lease ends.</summary>
public sealed class WebhookNodeDeathTests
{
    private static readonly Dictionary<string, string?> Settings = new(WebhookNodeFixture.Settings)
    {
        // Longer than the test needs to kill the node, short enough to wait for.
        ["Webhooks:TimeoutSeconds"] = "5",
        ["Webhooks:LeaseSeconds"] = "6",
    };

    [Fact]
    public async Task Deliveries_a_killed_node_held_are_delivered_by_another_node_after_the_lease()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var receiver = await WebhookReceiver.StartAsync();
            var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            receiver.AnswerWith("survives", async (_, _, aborted) =>
            {
                await answering.Task.WaitAsync(aborted);
                return 200;
            });
            await using var doomed = await ChatNodeProcess.StartAsync(database, TestServers.Redis, Settings);
            var alice = await TestUser.RegisterAsync(doomed.Address, "alice");
            using var doomedHttp = doomed.Http(alice.Token);
            var room = await doomedHttp.CreateRoomAsync(new CreateRoomRequest("survivors", null, false, null)).ReadAsync<RoomDto>();
            var webhook = await doomedHttp.RegisterWebhookAsync(room.Id, receiver.UrlOf("survives"), WebhookEventTypes.MessageCreated);
            var sent = new List<Guid>();
            for (var i = 0; i < 5; i++)
            {
                var request = new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", $"message {i}");
                sent.Add((await doomedHttp.PostMessageAsync(room.Id, request).ReadAsync<MessageAck>()).MessageId);
            }

            // The endpoint holds every request the node made; the node holds every delivery.
            await receiver.WaitForAsync("survives", r => r.Count == sent.Count, what: "the doomed node attempting every delivery");
            await doomed.KillAsync();
            answering.SetResult();
            await using var survivor = ChatNode.Start(database, TestServers.Redis, Settings);

            var requests = await receiver.WaitForAsync(
                "survives", r => r.Count == 2 * sent.Count, TimeSpan.FromSeconds(30), "every delivery again, from the surviving node");
            var first = requests.Take(sent.Count).Select(r => r.Verified(webhook.Secret!)).ToList();
            var again = requests.Skip(sent.Count).Select(r => r.Verified(webhook.Secret!)).ToList();
            Assert.Equal(sent.Order(), again.Select(e => e.Data.GetProperty("id").GetGuid()).Order());
            // The same Webhook-Id as the attempt the dead node never finished: a receiver drops repeats by it.
            Assert.Equal(first.Select(e => e.Id).Order(), again.Select(e => e.Id).Order());
            using var survivorHttp = survivor.Http(alice.Token);
            await Poll.UntilAsync(
                async () => (await survivorHttp.DeliveriesAsync(webhook.Id)).All(d => d.Status == WebhookDeliveryStatus.Delivered),
                TimeSpan.FromSeconds(10),
                "every delivery recorded as delivered");
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
