using System.Diagnostics;
using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>
/// The node's database goes out of reach (no new sessions, the open ones ended) while the
/// PostgreSQL server and every other test class's database carry on, then comes back.
/// </summary>
public sealed class DatabaseOutageTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    // Not a benchmark: a generous bound that a call waiting out Npgsql's 15 s connect timeout,
    // or retrying without end, would still break.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    // Two of the circuit's sampling windows (DatabaseResilienceOptions.SamplingSeconds).
    private static readonly TimeSpan OpeningWithin = TimeSpan.FromSeconds(20);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task While_the_database_is_out_of_reach_calls_fail_promptly_with_unavailable_the_circuit_opens_and_calls_succeed_once_it_is_back()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        using var aliceHttp = Node.Http(alice.Token);
        using var scraper = Node.Http();
        await aliceHub.SendTextAsync(room.Id, "before the outage");
        await bobHub.NextMessageAsync(MessageType.Text);

        await TestServers.SetReachableAsync(fixture.DatabaseName, reachable: false);
        try
        {
            // Sends and reads through both doors, each answered promptly, until the circuit has
            // seen enough of them fail to open. Its window still holds the calls that succeeded
            // before, the node's background work among them, so the calls go on for as long as a
            // window lasts rather than for a number of rounds.
            var opened = false;
            var failing = Stopwatch.StartNew();
            for (var round = 0; !opened && failing.Elapsed < OpeningWithin; round++)
            {
                await UnavailableAsync(() => aliceHub.SendTextAsync(room.Id, $"during the outage {round}"));
                await UnavailableAsync(() => bobHub.GetHistoryAsync(room.Id));
                await UnavailableAsync(() => bobHub.SyncAsync(room.Id, afterSeq: 0));
                await UnavailableAsync(aliceHttp, ApiRoutes.Messages(room.Id));
                opened = PrometheusText.Sample(await scraper.GetStringAsync("metrics"), "chat_database_circuit_opened", "_total") >= 1;
            }

            Assert.True(opened, "the circuit opened");

            // Open, it answers at once for the database, through both doors.
            await UnavailableAsync(() => aliceHub.SendTextAsync(room.Id, "while the circuit is open"));
            await UnavailableAsync(aliceHttp, ApiRoutes.Rooms);
        }
        finally
        {
            await TestServers.SetReachableAsync(fixture.DatabaseName, reachable: true);
        }

        // Back within the circuit's break and one trial call.
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await bobHub.GetHistoryAsync(room.Id);
                    return true;
                }
                catch (HubException e) when (e.Message.StartsWith($"{ErrorCodes.Unavailable}:", StringComparison.Ordinal))
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "reads succeed again once the database is back");

        var ack = await aliceHub.SendTextAsync(room.Id, "after the outage");
        Assert.False(ack.Duplicate);
        Assert.Equal("after the outage", (await bobHub.NextMessageAsync(MessageType.Text)).Content);
        var history = await aliceHttp.HistoryAsync(room.Id);
        Assert.Equal(
            ["before the outage", "after the outage"],
            history.Where(m => m.Type == MessageType.Text).Select(m => m.Content));
    }

    /// <summary>Fails unless the hub call is refused with <c>unavailable</c> within <see cref="Prompt"/>.</summary>
    private static async Task UnavailableAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        var refusal = await Assert.ThrowsAsync<HubException>(call);
        Assert.True(watch.Elapsed < Prompt, $"answered after {watch.Elapsed}");
        Assert.StartsWith($"{ErrorCodes.Unavailable}:", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>Fails unless a REST read is refused with 503 <c>unavailable</c> within <see cref="Prompt"/>.</summary>
    private static async Task UnavailableAsync(HttpClient http, string route)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(route);
        Assert.True(watch.Elapsed < Prompt, $"answered after {watch.Elapsed}");
        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
    }
}
