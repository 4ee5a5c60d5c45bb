using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Client;

/// <summary>The typed hub client while the Redis between two nodes is away, on a redis-server of the test's own.</summary>
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
}
