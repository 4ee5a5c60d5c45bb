using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>A node that runs the scripted bot <c>helper</c>, and a room of two with the bot in it.</summary>
public static class BotNode
{
    public const string BotName = "helper";

    /// <summary>The settings of a node with the bot: it streams a word every <paramref name="wordDelayMs"/>, and replies are stored five times a second.</summary>
    public static Dictionary<string, string?> Settings(int wordDelayMs = 20, int orphanAfterSeconds = 30) => new()
    {
        ["Bots:0:UserName"] = BotName,
        ["Bots:0:DisplayName"] = "Helper",
        ["Bots:0:Provider"] = "scripted",
        ["Bots:0:WordDelayMilliseconds"] = wordDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BotRuns:SaveEverySeconds"] = "0.2",
        ["BotRuns:OrphanAfterSeconds"] = orphanAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BotRuns:SweepSeconds"] = "1",
    };

    /// <summary><see cref="Settings"/> with the bot on the <c>openai</c> provider, talking to <paramref name="model"/>.</summary>
    public static Dictionary<string, string?> OpenAiSettings(FakeModelServer model)
    {
        var settings = Settings();
        settings["Bots:0:Provider"] = "openai";
        settings["Bots:0:Model"] = "fake-model";
        settings["Bots:0:Endpoint"] = model.Endpoint;
        settings["Bots:0:ApiKey"] = "test-key";
        return settings;
    }

    /// <summary>Alice's room with Bob and the bot in it (added by Alice, its admin); the bot as a user.</summary>
    public static async Task<(TestUser Alice, TestUser Bob, RoomDto Room, UserDto Bot)> RoomWithBotAsync(ChatNode node, RoomSettings? settings = null)
    {
        var alice = await TestUser.RegisterAsync(node, "alice");
        var bob = await TestUser.RegisterAsync(node, "bob");
        var room = await alice.CreateRoomAsync(node, settings: settings);
        await bob.JoinAsync(node, room.Id);
        using var http = node.Http(alice.Token);
        // The bot becomes a user once the node has declared it, a moment after start-up.
        UserDto? bot = null;
        await Poll.UntilAsync(async () => (bot = (await http.BotsAsync()).SingleOrDefault()) is not null, TimeSpan.FromSeconds(20), "the bot is declared");
        await http.AddBotAsync(room.Id, BotName).ExpectAsync(System.Net.HttpStatusCode.Created);
        return (alice, bob, room, bot!);
    }

    /// <summary>The parts of a reply, read until <paramref name="replyId"/> ends (its <c>MessageUpdated</c>).</summary>
    public static async Task<(List<MessageStreamingEvent> Parts, MessageDto Final)> StreamOfAsync(HubClient client, Guid replyId, TimeSpan wait)
    {
        var final = await NextUpdateOfAsync(client, replyId, wait);
        var parts = client.DrainStreaming().Where(p => p.MessageId == replyId).ToList();
        return (parts, final);
    }

    public static async Task<MessageDto> NextUpdateOfAsync(HubClient client, Guid messageId, TimeSpan wait)
    {
        while (true)
        {
            var update = await client.NextUpdateAsync(wait);
            if (update.Id == messageId)
            {
                return update;
            }
        }
    }

    /// <summary>The next message from <paramref name="senderId"/>, skipping others.</summary>
    public static async Task<MessageDto> NextFromAsync(HubClient client, Guid senderId, TimeSpan wait)
    {
        while (true)
        {
            var message = await client.NextMessageAsync(wait);
            if (message.SenderId == senderId)
            {
                return message;
            }
        }
    }
}
