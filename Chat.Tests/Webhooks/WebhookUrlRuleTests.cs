using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>
/// Where webhooks may point on a node with the production defaults: https only, and never at the
/// node's own machine or network, neither when registered nor when a delivery connects.
/// </summary>
public sealed class WebhookUrlRuleTests(StrictWebhookNodeFixture fixture) : IClassFixture<StrictWebhookNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Plain_http_is_refused_unless_the_node_allows_it()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);

        var problem = await ProblemAssert.HasCodeAsync(
            await http.CreateWebhookAsync(room.Id, "http://93.184.216.34/hooks", WebhookEventTypes.MessageCreated), HttpStatusCode.BadRequest, ErrorCodes.Invalid);

        Assert.Contains("https", problem.GetProperty("errors").GetProperty("url")[0].GetString());
        await http.CreateWebhookAsync(room.Id, "https://93.184.216.34/hooks", WebhookEventTypes.MessageCreated).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("https://127.0.0.1/hooks")]
    [InlineData("https://127.8.9.10:8443/hooks")]
    [InlineData("https://10.1.2.3/hooks")]
    [InlineData("https://172.16.0.1/hooks")]
    [InlineData("https://192.168.1.1/hooks")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hooks")]
    [InlineData("https://0.0.0.0/hooks")]
    [InlineData("https://[::1]/hooks")]
    [InlineData("https://[fe80::1]/hooks")]
    [InlineData("https://[fd00::1]/hooks")]
    [InlineData("https://[::ffff:10.0.0.1]/hooks")]
    [InlineData("https://localhost/hooks")]
    [InlineData("https://api.localhost/hooks")]
    public async Task Loopback_private_and_link_local_targets_are_refused_at_registration(string url)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);

        var problem = await ProblemAssert.HasCodeAsync(
            await http.CreateWebhookAsync(room.Id, url, WebhookEventTypes.MessageCreated), HttpStatusCode.BadRequest, ErrorCodes.Invalid);

        Assert.Contains("private", problem.GetProperty("errors").GetProperty("url")[0].GetString());
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_when_the_delivery_connects()
    {
        // A webhook registered where private targets were allowed (or a name that resolved
        // elsewhere then, as in DNS rebinding) meets the rule again at every connection.
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var receiver = await WebhookReceiver.StartAsync();
            TestUser alice;
            RoomDto room;
            WebhookDto webhook;
            await using (var permissive = ChatNode.Start(database, extra: WebhookNodeFixture.Settings))
            {
                alice = await TestUser.RegisterAsync(permissive, "alice");
                room = await alice.CreateRoomAsync(permissive);
                using var permissiveHttp = permissive.Http(alice.Token);
                webhook = await permissiveHttp.RegisterWebhookAsync(room.Id, receiver.LocalhostUrlOf("rebound"), WebhookEventTypes.MessageCreated);
            }

            await using var strict = ChatNode.Start(database, extra: new Dictionary<string, string?>
            {
                ["Webhooks:AllowHttp"] = "true",
                ["Webhooks:RetryDelaysSeconds"] = "1",
                ["Webhooks:PollMilliseconds"] = "200",
                ["Webhooks:SecretKey"] = WebhookNodeFixture.SecretKey,
            });
            using var http = strict.Http(alice.Token);
            await ProblemAssert.HasCodeAsync(
                await http.CreateWebhookAsync(room.Id, receiver.LocalhostUrlOf("again"), WebhookEventTypes.MessageCreated), HttpStatusCode.BadRequest, ErrorCodes.Invalid);

            await http.PostMessageAsync(room.Id, new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "to nowhere")).ExpectSuccessAsync();

            WebhookDeliveryDto[] deliveries = [];
            await Poll.UntilAsync(
                async () => (deliveries = await http.DeliveriesAsync(webhook.Id)) is [{ Status: WebhookDeliveryStatus.Failed }],
                TimeSpan.FromSeconds(20),
                "the delivery failed for good");
            var delivery = deliveries[0];
            Assert.Equal((2, (int?)null), (delivery.Attempts, delivery.LastStatusCode));
            Assert.Contains("localhost resolves to", delivery.LastError);
            Assert.Contains("may not reach", delivery.LastError);
            Assert.Empty(receiver.RequestsTo("rebound"));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
