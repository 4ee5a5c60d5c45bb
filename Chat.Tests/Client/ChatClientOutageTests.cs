using Chat.Bench.Chaos;
using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Client;

/// <summary>The typed hub client while Redis or PostgreSQL is away, on servers and a database of the test's own.</summary>
public sealed class ChatClientOutageTests
{
    [Fact]
    public async Task A_member_who_sends_while_redis_is_away_still_gets_what_others_sent_before_it()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var nodeA = ChatNode.Start(database, redis.Configuration);
            await using var nodeB = ChatNode.Start(database, redis.Configuration);
            var (alice, bob, room) = await TestRooms.OfTwoAsync(nodeA);
            await using var aliceClient = new ChatClient(ClientFactory.Options(nodeA.Address, alice.Token));
            var heard = new Heard<MessageDto>();
            aliceClient.MessageReceived += heard.Add;
            await aliceClient.StartAsync();
            await aliceClient.JoinRoomAsync(room.Id);
            await using var bobHub = await HubClient.ConnectAsync(nodeB, bob);

            // Bob's message cannot cross to Alice's node; hers is acked with the seq after it.
            await redis.StopAsync();
            var fromBob = await bobHub.SendTextAsync(room.Id, "while redis is away");
            var own = await aliceClient.SendTextAsync(room.Id, "after it, from alice");
            await redis.StartAgainAsync();

            // Once Redis is back her client is told to Sync, which must start before Bob's message.
            var recovered = await heard.NextAsync(m => m.Id == fromBob.MessageId, TimeSpan.FromSeconds(30));
            Assert.Equal(fromBob.Seq + 1, own.Seq);
            Assert.Equal("while redis is away", recovered.Content);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_client_whose_reconnect_the_server_refuses_for_good_connects_again_once_it_can()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = await TestServers.CreateDatabaseAsync();
        var node = await ChatNodeProcess.StartAsync(database, redis.Configuration);
        var lockout = new DatabaseLockout(database);
        try
        {
            var alice = await TestUser.RegisterAsync(node.Address, "alice");
            var bob = await TestUser.RegisterAsync(node.Address, "bob");
            var room = await ClientFactory.Rest(node.Address, alice.Token).CreateRoomAsync(new CreateRoomRequest("outage", null, false, null));
            var bobRest = ClientFactory.Rest(node.Address, bob.Token);
            await bobRest.JoinRoomAsync(room.Id);
            await using var aliceClient = new ChatClient(ClientFactory.Options(node.Address, alice.Token));
            var heard = new Heard<MessageDto>();
            aliceClient.MessageReceived += heard.Add;
            await aliceClient.StartAsync();
            await aliceClient.JoinRoomAsync(room.Id);

            // The node comes back while its database is closed: the client's reconnect reaches
            // it, OnConnectedAsync fails, and SignalR closes the connection saying not to reconnect.
            await lockout.BeginAsync(CancellationToken.None);
            await node.KillAsync();
            await node.DisposeAsync();
            node = await ChatNodeProcess.StartAsync(
                database, redis.Configuration, new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" }, address: node.Address, readyPath: "health/live");
            await Poll.UntilAsync(() => node.Output.Contains("OnConnectedAsync", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "a reconnect is refused");
            await lockout.EndAsync(CancellationToken.None);

            var sent = await bobRest.SendTextAsync(room.Id, "after the refusal", Guid.NewGuid());
            var received = await heard.NextAsync(m => m.Id == sent.MessageId, TimeSpan.FromSeconds(30));
            Assert.Equal("after the refusal", received.Content);
        }
        finally
        {
            await lockout.EndAsync(CancellationToken.None);
            await node.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
