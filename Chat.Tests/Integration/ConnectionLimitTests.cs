using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>The cap on connections per user, on a node that allows three.</summary>
public sealed class ConnectionLimitTests(LimitsNodeFixture fixture) : IClassFixture<LimitsNodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_connection_over_the_limit_is_closed_with_a_limit_error_and_one_fits_again_after_a_close()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var open = new List<HubClient>();
        try
        {
            for (var i = 0; i < LimitsNodeFixture.ConnectionsPerUser; i++)
            {
                open.Add(await HubClient.ConnectAsync(Node, alice));
            }

            await using var extra = HubClient.Build(Node, alice.Token);
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            extra.Closed += error =>
            {
                closed.TrySetResult(error);
                return Task.CompletedTask;
            };
            var started = await Record.ExceptionAsync(() => extra.StartAsync());
            var error = started ?? await closed.Task.WaitAsync(Deadline);

            Assert.Contains("limit", error?.Message, StringComparison.Ordinal);
            Assert.Equal(HubConnectionState.Disconnected, extra.State);
            var stillOpen = await open[0].SyncAsync(new SyncRequest([]));
            Assert.Empty(stillOpen.Rooms);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await using var again = HubClient.Create(Node, alice.Token);
            await Poll.UntilAsync(() => TryConnectAsync(again), Deadline, "a connection fits again");
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>True when the connection opens and answers a call: the server accepted it.</summary>
    private static async Task<bool> TryConnectAsync(HubClient client)
    {
        try
        {
            await client.Connection.StartAsync();
            await client.FlushAsync();
            return true;
        }
        catch (Exception refused) when (refused is not TimeoutException)
        {
            // A refused connection closes, failing the call; the next attempt starts it anew.
            await client.Connection.StopAsync();
            return false;
        }
    }
}
