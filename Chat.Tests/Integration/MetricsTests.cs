using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using static Chat.Tests.Infrastructure.PrometheusText;

namespace Chat.Tests.Integration;

/// <summary>The Prometheus endpoint, read as a scraper reads it after real traffic over the hub.</summary>
public sealed class MetricsTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task After_messages_go_through_the_hub_metrics_shows_them_received_delivered_acked_and_written_in_batches()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceClient = await HubClient.ConnectAsync(Node, alice);
        await using var bobClient = await HubClient.ConnectAsync(Node, bob);
        for (var i = 0; i < 3; i++)
        {
            await aliceClient.SendTextAsync(room.Id, $"counted {i}");
            await bobClient.NextMessageAsync(MessageType.Text);
        }

        // No token: a scraper is anonymous. The exporter caches a scrape briefly, hence the poll.
        using var http = Node.Http();
        var scraped = "";
        await Poll.UntilAsync(
            async () =>
            {
                scraped = await http.GetStringAsync("metrics");
                return PrometheusText.Sample(scraped, "chat_messages_received", "_total") >= 3;
            },
            TimeSpan.FromSeconds(10),
            "the received counter counts the three messages");

        Assert.True(PrometheusText.Sample(scraped, "chat_messages_ack_latency", "_count") >= 3, scraped);
        Assert.True(PrometheusText.Sample(scraped, "chat_messages_delivered", "_total") >= 3, scraped);
        Assert.True(PrometheusText.Sample(scraped, "chat_writer_batch_size", "_count") >= 1, scraped);
        Assert.Contains(PrometheusText.Names(scraped), name => name.StartsWith("chat_writer_batch_size", StringComparison.Ordinal) && name.EndsWith("_bucket", StringComparison.Ordinal));
        // The framework's meters: SignalR's connections, ASP.NET Core's requests, the runtime's GC.
        Assert.Contains(PrometheusText.Names(scraped), name => name.StartsWith("signalr_server_active_connections", StringComparison.Ordinal));
        Assert.Contains(PrometheusText.Names(scraped), name => name.StartsWith("http_server_request_duration", StringComparison.Ordinal));
        Assert.Contains(PrometheusText.Names(scraped), name => name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_send_refused_by_slow_mode_is_counted_as_a_rate_limit_refusal_of_that_kind()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var member = await TestUser.RegisterAsync(Node, "member");
        var room = await admin.CreateRoomAsync(Node, name: "slow", settings: new RoomSettings(SlowModeSeconds: 60));
        await using var memberHub = await HubClient.ConnectAsync(Node, member);
        await memberHub.JoinRoomAsync(room.Id);

        await memberHub.SendTextAsync(room.Id, "first");
        var refusal = await Assert.ThrowsAsync<HubException>(() => memberHub.SendTextAsync(room.Id, "too soon"));
        Assert.StartsWith($"{ErrorCodes.RateLimited}: slow mode", refusal.Message, StringComparison.Ordinal);

        using var http = Node.Http();
        await Poll.UntilAsync(
            async () => PrometheusText.Sample(await http.GetStringAsync("metrics"), "chat_rate_limit_refusals", "_total", "limit=\"slow_mode\"") >= 1,
            TimeSpan.FromSeconds(10),
            "the refusal is counted under slow_mode");
    }

    [Fact]
    public async Task A_node_reports_its_own_traffic_only_when_another_node_runs_in_the_same_process()
    {
        using var http = Node.Http();
        var before = PrometheusText.Sample(await http.GetStringAsync("metrics"), "chat_messages_received", "_total");
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var other = ChatNode.Start(database);
            var (alice, _, room) = await TestRooms.OfTwoAsync(other);
            await using (var aliceClient = await HubClient.ConnectAsync(other, alice))
            {
                for (var i = 0; i < 5; i++)
                {
                    await aliceClient.SendTextAsync(room.Id, $"elsewhere {i}");
                }
            }

            var (bob, _, ownRoom) = await TestRooms.OfTwoAsync(Node);
            await using var bobClient = await HubClient.ConnectAsync(Node, bob);
            await bobClient.SendTextAsync(ownRoom.Id, "here");

            await Poll.UntilAsync(
                async () => PrometheusText.Sample(await http.GetStringAsync("metrics"), "chat_messages_received", "_total") > before,
                TimeSpan.FromSeconds(10),
                "this node counts its own message");
            // The other node's five are its own business.
            Assert.Equal(before + 1, PrometheusText.Sample(await http.GetStringAsync("metrics"), "chat_messages_received", "_total"));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Metrics_are_served_to_loopback_and_refused_to_a_client_a_trusted_proxy_forwards_from_outside()
    {
        using var http = Node.Http();
        using var fromOutside = new HttpRequestMessage(HttpMethod.Get, "metrics");
        fromOutside.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var fromInside = new HttpRequestMessage(HttpMethod.Get, "metrics");
        fromInside.Headers.Add("X-Forwarded-For", "127.0.0.1");

        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(fromOutside)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(fromInside)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("metrics")).StatusCode);
    }

    [Fact]
    public async Task A_network_listed_for_metrics_is_served_and_loopback_then_is_not()
    {
        await using var lone = await LoneNode.StartAsync(new Dictionary<string, string?> { ["Metrics:AllowedNetworks:0"] = "203.0.113.0/24" });
        using var http = lone.Node.Http();
        using var fromScraper = new HttpRequestMessage(HttpMethod.Get, "metrics");
        fromScraper.Headers.Add("X-Forwarded-For", "203.0.113.9");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(fromScraper)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("metrics")).StatusCode);
    }

    [Fact]
    public async Task A_node_with_metrics_turned_off_has_no_metrics_endpoint()
    {
        await using var lone = await LoneNode.StartAsync(new Dictionary<string, string?> { ["Metrics:Enabled"] = "false" });
        using var http = lone.Node.Http();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("metrics")).StatusCode);
    }
}
