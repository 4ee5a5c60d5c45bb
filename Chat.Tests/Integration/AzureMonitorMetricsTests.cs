using System.Collections.Concurrent;
using System.IO.Compression;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.Tests.Integration;

/// <summary>
/// With Application Insights configured (as the Azure template does), the node sends its own
/// counters to Azure Monitor's ingestion endpoint, where the alert rules read them: here an
/// ingestion endpoint of the test's own, over real HTTP.
/// </summary>
public sealed class AzureMonitorMetricsTests
{
    [Fact]
    public async Task The_service_counters_reach_the_application_insights_ingestion_endpoint()
    {
        await using var ingestion = await FakeIngestion.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            var node = await ChatNodeProcess.StartAsync(database, TestServers.Redis, new Dictionary<string, string?>
            {
                ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey={Guid.NewGuid()};IngestionEndpoint={ingestion.Address}",
            });
            await using (node)
            {
                var alice = await TestUser.RegisterAsync(node.Address, "alice");
                using var http = node.Http(alice.Token);
                var room = await http.CreateRoomAsync(new CreateRoomRequest("counted", null, false, null)).ReadAsync<RoomDto>();
                var hub = await HubClient.ConnectAsync(node.Address, alice);
                await hub.SendTextAsync(room.Id, "counted");
                await hub.DisposeAsync();

                // A clean stop sends what the last interval counted.
                Assert.Equal(0, await node.StopAsync());
            }

            Assert.Contains("chat.messages.received", ingestion.Received, StringComparison.Ordinal);
            Assert.Contains("chat.messages.ack_latency", ingestion.Received, StringComparison.Ordinal);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    /// <summary>Takes what the Azure Monitor exporter posts (<c>/v2.1/track</c>) and keeps its text.</summary>
    private sealed class FakeIngestion : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> bodies = new();
        private WebApplication app = null!;

        public string Address { get; private set; } = "";

        public string Received => string.Join("\n", bodies);

        public static async Task<FakeIngestion> StartAsync()
        {
            var ingestion = new FakeIngestion();
            (ingestion.app, var address) = await LoopbackApp.StartAsync(app => app.MapPost("/v2.1/track", async (HttpRequest request) =>
            {
                Stream body = request.Body;
                if (request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
                {
                    body = new GZipStream(request.Body, CompressionMode.Decompress);
                }

                using var reader = new StreamReader(body);
                ingestion.bodies.Enqueue(await reader.ReadToEndAsync());
                return Results.Json(new { itemsReceived = 1, itemsAccepted = 1, errors = Array.Empty<object>() });
            }));
            ingestion.Address = address + "/";
            return ingestion;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
