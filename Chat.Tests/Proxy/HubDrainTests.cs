using System.Net;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Tests.Proxy;

/// <summary>What a node does once it is told to stop: its hub clients are sent elsewhere.</summary>
public sealed class HubDrainTests
{
    [Fact]
    public async Task A_stopping_node_closes_hub_connections_and_answers_new_ones_with_503_unavailable()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var node = ChatNode.Start(database);
            var alice = await TestUser.RegisterAsync(node, "alice");
            await using var aliceHub = await HubClient.ConnectAsync(node, alice);
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            aliceHub.Connection.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };

            // What SIGTERM does first. Stopping callbacks run newest first, so this one holds the
            // node in its stopping state, still listening, until the requests below are answered.
            var lifetime = node.Services.GetRequiredService<IHostApplicationLifetime>();
            using var hold = new ManualResetEventSlim();
            lifetime.ApplicationStopping.Register(() => hold.Wait(TimeSpan.FromSeconds(30)));
            var stopping = Task.Run(lifetime.StopApplication);
            await Poll.UntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, TimeSpan.FromSeconds(10), "the node is stopping");

            using var http = node.Http(alice.Token);
            using var negotiate = await http.PostAsync("hubs/chat/negotiate?negotiateVersion=1", null);
            await ProblemAssert.HasCodeAsync(negotiate, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.Equal(TimeSpan.FromSeconds(1), negotiate.Headers.RetryAfter?.Delta);
            // Only the hub is refused: REST requests are served until the server stops.
            using var profile = await http.GetAsync(ApiRoutes.User(alice.Id));
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);

            hold.Set();
            await stopping;
            // The open connection is closed, not left to the server's shutdown timeout.
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(HubConnectionState.Disconnected, aliceHub.Connection.State);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
