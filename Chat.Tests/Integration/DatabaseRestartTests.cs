using Chat.Contracts;
using Chat.Data.Writing;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>
/// The database ends every session, as PostgreSQL does when it restarts, while the node's pools
/// hold many idle connections that now lead nowhere. Nothing checks a pooled connection before
/// handing it out, so each request that takes one must notice, clear the pools and try again.
/// </summary>
public sealed class DatabaseRestartTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const int PooledConnections = 24;

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task After_the_database_ends_every_session_each_request_through_either_door_succeeds()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await aliceHub.SendTextAsync(room.Id, "before the restart");
        await bobHub.NextMessageAsync(MessageType.Text);
        await FillPoolsAsync();
        Assert.True(await TestServers.SessionCountAsync(fixture.DatabaseName) >= PooledConnections, "the pools hold idle connections");

        Assert.True(await TestServers.EndSessionsAsync(fixture.DatabaseName) >= PooledConnections, "the sessions were ended");

        // Every kind of call at once, so that many of them take one of the dead connections.
        using var aliceHttp = Node.Http(alice.Token);
        using var bobHttp = Node.Http(bob.Token);
        var sends = new List<Task<MessageAck>>();
        var reads = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            sends.Add(aliceHub.SendTextAsync(room.Id, $"after the restart {i}"));
            reads.Add(aliceHub.GetHistoryAsync(room.Id));
            reads.Add(bobHub.SyncAsync(room.Id, afterSeq: 0));
            reads.Add(bobHttp.HistoryAsync(room.Id));
            reads.Add(aliceHttp.RoomsAsync());
            reads.Add(bobHttp.RoomAsync(room.Id));
            reads.Add(bobHttp.ProfileAsync(alice.Id));
        }

        // Any call that failed fails the test here, with its error.
        await Task.WhenAll(reads);
        var acks = await Task.WhenAll(sends);

        Assert.All(acks, ack => Assert.False(ack.Duplicate));
        var delivered = new List<MessageDto>();
        for (var i = 0; i < acks.Length; i++)
        {
            delivered.Add(await bobHub.NextMessageAsync(MessageType.Text));
        }

        Assert.Equal(acks.Select(a => a.MessageId).Order(), delivered.Select(m => m.Id).Order());
        var history = await bobHttp.HistoryAsync(room.Id);
        Assert.Equal(4, history.Count(m => m.Content.StartsWith("after the restart", StringComparison.Ordinal)));

        // The calls above did meet dead connections: the node tried again.
        using var scraper = Node.Http();
        await Poll.UntilAsync(
            async () => PrometheusText.Sample(await scraper.GetStringAsync("metrics"), "chat_database_retries", "_total") >= 1,
            TimeSpan.FromSeconds(10),
            "the node counts its retries");
    }

    /// <summary>Opens many connections in both of the node's pools at once and gives them back, idle.</summary>
    private async Task FillPoolsAsync()
    {
        var pools = new[]
        {
            Node.Services.GetRequiredService<NpgsqlDataSource>(),
            Node.Services.GetRequiredKeyedService<NpgsqlDataSource>(BatchedMessageWriter.DataSourceKey),
        };
        var connections = await Task.WhenAll(pools.SelectMany(
            pool => Enumerable.Range(0, PooledConnections / 2).Select(_ => pool.OpenConnectionAsync().AsTask())));
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }
}
