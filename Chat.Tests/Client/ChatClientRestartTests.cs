using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Polly;

namespace Chat.Tests.Client;

/// <summary>The typed clients across a crash of the node they talk to: killed, then started again on the same port.</summary>
public sealed class ChatClientRestartTests
{
    [Fact]
    public async Task REST_reads_and_sends_with_a_clientMessageId_are_retried_until_the_node_is_back_while_other_posts_fail_at_once()
    {
        var database = await TestServers.CreateDatabaseAsync();
        var node = await ChatNodeProcess.StartAsync(database, TestServers.Redis);
        try
        {
            var token = await SignUpAsync(node.Address, "alice");
            // Retries every half second for a minute: long enough for a restart on a busy machine.
            // The breaker needs more failures than that to open, or it would cut the retries short.
            var alice = ChatRestClient.Create(ClientFactory.Options(node.Address, token.AccessToken), resilience =>
            {
                resilience.Retry.MaxRetryAttempts = 120;
                resilience.Retry.BackoffType = DelayBackoffType.Constant;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(500);
                resilience.Retry.UseJitter = false;
                resilience.CircuitBreaker.MinimumThroughput = 1000;
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(90);
            });
            var room = await alice.CreateRoomAsync(new CreateRoomRequest("durable", null, false, null));
            var clientMessageId = Guid.NewGuid();

            await node.KillAsync();
            var reading = alice.GetRoomAsync(room.Id);
            var sending = alice.SendTextAsync(room.Id, "sent while the node restarts", clientMessageId);
            var creating = alice.CreateRoomAsync(new CreateRoomRequest("never twice", null, false, null));
            await node.DisposeAsync();
            node = await ChatNodeProcess.StartAsync(database, TestServers.Redis, address: node.Address);

            Assert.Equal(room.Id, (await reading).Id);
            var ack = await sending;
            Assert.False(ack.Duplicate);
            await Assert.ThrowsAsync<HttpRequestException>(() => creating);
            var history = await alice.GetHistoryAsync(room.Id, afterSeq: 0);
            Assert.Equal(ack.MessageId, Assert.Single(history, m => m.Content == "sent while the node restarts").Id);
            Assert.Equal([room.Id], (await alice.GetRoomsAsync()).Select(r => r.Id));
        }
        finally
        {
            await node.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Hub_client_of_a_killed_node_reconnects_after_the_restart_and_gets_each_missed_message_once_in_order()
    {
        var database = await TestServers.CreateDatabaseAsync();
        var node = await ChatNodeProcess.StartAsync(database, TestServers.Redis);
        try
        {
            // Alice stays on a second node of the same cluster and talks on while bob's node is down.
            await using var steady = ChatNode.Start(database, TestServers.Redis);
            var (alice, bob, room) = await TestRooms.OfTwoAsync(steady);
            await using var aliceHub = await ClientFactory.ConnectAsync(steady.Address, alice);
            await using var bobHub = await ClientFactory.ConnectAsync(node.Address, bob);
            var heard = new Heard<MessageDto>();
            var recovered = new Heard<bool>();
            bobHub.MessageReceived += heard.Add;
            bobHub.Recovered += () => recovered.Add(true);
            await aliceHub.JoinRoomAsync(room.Id);
            await bobHub.JoinRoomAsync(room.Id);
            var before = await aliceHub.SendTextAsync(room.Id, "before the crash");
            Assert.Equal(before.MessageId, (await heard.NextAsync(m => m.Type == MessageType.Text)).Id);

            await node.KillAsync();
            var missed = new List<MessageAck>();
            for (var i = 1; i <= 5; i++)
            {
                missed.Add(await aliceHub.SendTextAsync(room.Id, $"missed {i}"));
            }

            await node.DisposeAsync();
            node = await ChatNodeProcess.StartAsync(database, TestServers.Redis, address: node.Address);
            await recovered.NextAsync(wait: TimeSpan.FromSeconds(60));
            var after = await aliceHub.SendTextAsync(room.Id, "after the restart");

            var texts = new List<MessageDto>();
            while (texts.Count == 0 || texts[^1].Id != after.MessageId)
            {
                texts.Add(await heard.NextAsync(m => m.Type == MessageType.Text));
            }

            Assert.Equal([.. missed.Select(a => a.MessageId), after.MessageId], texts.Select(m => m.Id));
            Assert.Equal(["missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "after the restart"], texts.Select(m => m.Content));
            Assert.DoesNotContain(heard.Drain(), m => m.Type == MessageType.Text);
            Assert.Equal(HubConnectionState.Connected, bobHub.State);
        }
        finally
        {
            await node.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }

    private static async Task<TokenResponse> SignUpAsync(Uri address, string name)
    {
        var anonymous = ClientFactory.Rest(address);
        var userName = $"{name}_{Guid.NewGuid():N}"[..24];
        await anonymous.RegisterAsync(new RegisterRequest(userName, "correct horse battery", name));
        return await anonymous.GetTokenAsync(userName, "correct horse battery");
    }
}
