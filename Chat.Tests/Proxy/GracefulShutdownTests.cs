using System.Threading.Channels;
using Chat.Client;
using Chat.Contracts;
using Chat.Hubs.Connections;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Proxy;

/// <summary>A node stopped the way systemd or a rolling deploy stops it, behind real nginx.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task A_node_stopped_with_SIGTERM_hands_its_clients_through_nginx_to_the_other_node_and_Sync_fills_the_gap()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var survivor = ChatNode.Start(database, TestServers.Redis);
            await using var stopping = await ChatNodeProcess.StartAsync(database, TestServers.Redis);
            await using var proxy = await NginxProxy.StartAsync([stopping.Address, survivor.Address], NginxRouting.Sticky);
            var alice = await TestUser.RegisterAsync(survivor, "alice");
            var bob = await TestUser.RegisterAsync(survivor, "bob");
            var room = await bob.CreateRoomAsync(survivor);
            await alice.JoinAsync(survivor, room.Id);

            await using var bobHub = await HubClient.ConnectAsync(survivor, bob);
            var received = Channel.CreateUnbounded<MessageDto>();
            await using var aliceClient = await ConnectThroughProxyToAsync(stopping, survivor, proxy, alice, room.Id, received);
            var before = await bobHub.SendTextAsync(room.Id, "before the stop");
            Assert.Equal(before.MessageId, (await NextTextAsync(received)).Id);

            var stop = stopping.StopAsync();
            // The node closes alice's connection; she waits for her first retry while bob goes on.
            await Poll.UntilAsync(() => aliceClient.State == HubConnectionState.Reconnecting, TimeSpan.FromSeconds(20), "alice's client is reconnecting");
            var missed = new[]
            {
                await bobHub.SendTextAsync(room.Id, "missed 1"),
                await bobHub.SendTextAsync(room.Id, "missed 2"),
                await bobHub.SendTextAsync(room.Id, "missed 3"),
            };
            Assert.Equal(0, await stop);

            var recovered = new[] { await NextTextAsync(received), await NextTextAsync(received), await NextTextAsync(received) };
            Assert.Equal(missed.Select(m => m.MessageId), recovered.Select(m => m.Id));
            Assert.Equal(["missed 1", "missed 2", "missed 3"], recovered.Select(m => m.Content));
            Assert.Equal(HubConnectionState.Connected, aliceClient.State);
            Assert.Contains("Stopping: closing hub connections and refusing new ones", stopping.Output, StringComparison.Ordinal);

            // The cluster lists one connection of hers, the one on the survivor.
            var onSurvivor = Assert.Single(survivor.Services.GetRequiredService<UserConnections>().Snapshot()[alice.Id]);
            var registry = survivor.Services.GetRequiredService<ClusterConnections>();
            Assert.Equal([onSurvivor], await registry.OfAsync(alice.Id));
            using (var http = survivor.Http(bob.Token))
            {
                Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(alice.Id)).Status);
            }

            var after = await aliceClient.SendTextAsync(room.Id, "back");
            Assert.Equal(after.MessageId, (await bobHub.NextMessageAsync(MessageType.Text)).Id);
            Assert.False(received.Reader.TryRead(out var extra) && extra.Type == MessageType.Text, "a message arrived twice");
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    // The proxy hands each new client a random routing key: clients are opened until one lands on
    // the node that is going to stop (each has an even chance).
    private static async Task<ChatClient> ConnectThroughProxyToAsync(
        ChatNodeProcess target, ChatNode other, NginxProxy proxy, TestUser user, Guid roomId, Channel<MessageDto> received)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var client = new ChatClient(new ChatClientOptions
            {
                BaseAddress = proxy.Address,
                AccessTokenProvider = () => Task.FromResult<string?>(user.Token),
                // A first retry late enough that messages sent after the stop are certainly missed
                // live and come back through Sync.
                ReconnectDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)],
            });
            client.MessageReceived += m => received.Writer.WriteAsync(m).AsTask();
            await client.StartAsync();
            // Also a round trip: once it returns, the server has counted the connection.
            await client.JoinRoomAsync(roomId);
            if (other.Services.GetRequiredService<UserConnections>().Count(user.Id) == 0)
            {
                return client;
            }

            await client.DisposeAsync();
            await Poll.UntilAsync(
                () => other.Services.GetRequiredService<UserConnections>().Count(user.Id) == 0,
                TimeSpan.FromSeconds(10),
                "the discarded connection is gone");
        }

        throw new InvalidOperationException($"No client reached {target.Address} through the proxy");
    }

    private static async Task<MessageDto> NextTextAsync(Channel<MessageDto> channel)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await channel.Reader.ReadAsync(deadline.Token);
            if (message.Type == MessageType.Text)
            {
                return message;
            }
        }
    }
}
