using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>
/// A node killed in the middle of a bot's reply leaves it streaming; another node's sweeper ends
/// it with an error, the text so far kept, and its members hear the end.
/// </summary>
public sealed class OrphanedReplyTests
{
    [Fact]
    public async Task A_reply_whose_node_is_killed_mid_stream_is_ended_with_an_error_by_another_node()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            // The bot's node streams a word every 200 ms, so the reply outlives the kill by far.
            await using var botNode = await ChatNodeProcess.StartAsync(database, TestServers.Redis, BotNode.Settings(wordDelayMs: 200));
            await using var other = ChatNode.Start(database, TestServers.Redis, BotNode.Settings(orphanAfterSeconds: 3));
            var alice = await TestUser.RegisterAsync(botNode.Address, "alice");
            var bob = await TestUser.RegisterAsync(botNode.Address, "bob");
            using var aliceHttp = botNode.Http(alice.Token);
            var room = await aliceHttp.CreateRoomAsync(new CreateRoomRequest("room", null, false, null)).ReadAsync<RoomDto>();
            using var bobHttp = botNode.Http(bob.Token);
            await bobHttp.JoinAsync(room.Id).ExpectSuccessAsync();
            await Poll.UntilAsync(async () => (await aliceHttp.BotsAsync()).Length == 1, TimeSpan.FromSeconds(20), "the bot is declared");
            await aliceHttp.AddBotAsync(room.Id, BotNode.BotName).ExpectAsync(HttpStatusCode.Created);
            await using var aliceOnBotNode = await HubClient.ConnectAsync(botNode.Address, alice);
            await using var bobElsewhere = await HubClient.ConnectAsync(other, bob);

            await aliceOnBotNode.SendTextAsync(room.Id, "@helper " + string.Join(' ', Enumerable.Repeat("long", 200)));
            var started = await bobElsewhere.NextMessageAsync(MessageType.Text, TimeSpan.FromSeconds(20));
            while (started.Status != MessageStatus.Streaming)
            {
                started = await bobElsewhere.NextMessageAsync(MessageType.Text, TimeSpan.FromSeconds(20));
            }

            await bobElsewhere.NextStreamingAsync(TimeSpan.FromSeconds(20));
            // Long enough for the reply to be stored with some words in it.
            await Task.Delay(TimeSpan.FromMilliseconds(800));
            await botNode.KillAsync();
            var ended = await BotNode.NextUpdateOfAsync(bobElsewhere, started.Id, TimeSpan.FromSeconds(30));

            Assert.Equal(MessageStatus.Error, ended.Status);
            Assert.Equal(ErrorCodes.Unavailable, ended.Error?.Code);
            Assert.StartsWith("You said:", ended.Content);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
