using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>
/// A user who asks the bots too often gets a reply that ends at once with <c>rate_limited</c>
/// (the send itself was acked long before), and the replies are counted by outcome.
/// </summary>
public sealed class BotLimitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Past_the_askers_budget_the_bot_answers_with_rate_limited_and_the_replies_are_counted()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            var settings = BotNode.Settings();
            settings["RateLimits:BotTriggersPerUser:Permits"] = "2";
            settings["RateLimits:BotTriggersPerUser:WindowSeconds"] = "3600";
            await using var node = ChatNode.Start(database, extra: settings);
            var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(node);
            await using var aliceHub = await HubClient.ConnectAsync(node, alice);
            await using var bobHub = await HubClient.ConnectAsync(node, bob);

            var finals = new List<MessageDto>();
            for (var i = 0; i < 3; i++)
            {
                var ack = await aliceHub.SendTextAsync(room.Id, $"@helper question {i}");
                var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
                finals.Add(reply.Status == MessageStatus.Streaming ? await BotNode.NextUpdateOfAsync(bobHub, reply.Id, Wait) : reply);
                Assert.False(ack.Duplicate);
            }

            // A reply is counted a moment after its end is announced.
            double completed = 0, refused = 0;
            await Poll.UntilAsync(
                async () =>
                {
                    completed = await PrometheusText.CounterAsync(node, "chat_bots_replies", "outcome=\"complete\"");
                    refused = await PrometheusText.CounterAsync(node, "chat_bots_replies", "outcome=\"refused\"");
                    return completed + refused >= 3;
                },
                Wait,
                "the three replies are counted");

            Assert.Equal([MessageStatus.Complete, MessageStatus.Complete, MessageStatus.Error], finals.Select(f => f.Status));
            Assert.Equal(ErrorCodes.RateLimited, finals[2].Error?.Code);
            Assert.Contains("asking bots too often", finals[2].Error!.Message);
            Assert.Equal((2, 1), (completed, refused));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
