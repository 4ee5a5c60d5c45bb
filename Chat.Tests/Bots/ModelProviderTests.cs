using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>
/// A bot on the <c>openai</c> provider, talking over real HTTP with server-sent events to a fake
/// OpenAI-compatible endpoint: streamed text, a tool call round trip, a 429 retried before the
/// first token, a failure mid-stream and a model that never answers, and what the prompt holds.
/// </summary>
public sealed class ModelProviderTests(ModelProviderTests.ModelFixture fixture) : IClassFixture<ModelProviderTests.ModelFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private ChatNode Node => fixture.Node;

    private FakeModelServer Model => fixture.Model;

    [Fact]
    public async Task The_model_streams_its_text_into_the_reply_after_the_system_prompt_and_the_rooms_history()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Text("Hel", "lo", " there"));
        var before = Model.Requests.Count;

        await aliceHub.SendTextAsync(room.Id, "a word before");
        await aliceHub.SendTextAsync(room.Id, "@helper greet bob");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);
        var request = Model.Requests[before];
        var messages = request.GetProperty("messages").EnumerateArray().ToList();

        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal("Hello there", final.Content);
        Assert.Equal("Hello there", string.Concat(parts.Select(p => p.Text)));
        Assert.Equal("fake-model", request.GetProperty("model").GetString());
        Assert.True(request.GetProperty("stream").GetBoolean());
        Assert.Equal(("system", "You are helpful."), (messages[0].GetProperty("role").GetString(), messages[0].GetProperty("content").GetString()));
        Assert.Equal(["a word before", "@helper greet bob"], messages.Skip(1).Where(m => m.GetProperty("role").GetString() == "user").Select(Text));
    }

    [Fact]
    public async Task A_tool_the_model_calls_runs_and_its_result_goes_back_to_the_model_and_into_the_reply()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Streaming(new ModelAnswer.ToolCall("call_7", "current_time")));
        Model.Enqueue(ModelAnswer.Text("It is now."));
        var before = Model.Requests.Count;

        await aliceHub.SendTextAsync(room.Id, "@helper what time is it");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);
        var toolMessage = Model.Requests[before + 1].GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");

        Assert.Equal([PartKinds.ToolCall, PartKinds.ToolResult, PartKinds.TextDelta], parts.Select(p => p.Kind));
        Assert.Equal(("call_7", "current_time"), (parts[0].CallId, parts[0].Name));
        Assert.Equal("call_7", toolMessage.GetProperty("tool_call_id").GetString());
        Assert.Contains("UTC", Text(toolMessage));
        Assert.Equal("It is now.", final.Content);
        Assert.Equal([PartKinds.ToolCall, PartKinds.ToolResult, PartKinds.Text], final.Parts!.Select(p => p.Kind));
    }

    [Fact]
    public async Task The_room_tools_answer_as_the_asker_sees_the_room()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        var carol = await TestUser.RegisterAsync(Node, "carol");
        await carol.JoinAsync(Node, room.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Streaming(new ModelAnswer.ToolCall("call_a", "room_info")));
        Model.Enqueue(ModelAnswer.Streaming(new ModelAnswer.ToolCall("call_b", "search_messages", "{\"query\":\"swordfish\"}")));
        Model.Enqueue(ModelAnswer.Text("found it"));
        var before = Model.Requests.Count;

        await bobHub.SendPrivateAsync(room.Id, carol.Profile.Id, "swordfish is the secret");
        await aliceHub.SendTextAsync(room.Id, "swordfish for everyone");
        await aliceHub.SendTextAsync(room.Id, "@helper who is here, and what about swordfish?");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (_, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);
        var roomInfo = ToolResultOf(Model.Requests[before + 1], "call_a");
        var found = ToolResultOf(Model.Requests[before + 2], "call_b");

        Assert.Equal("found it", final.Content);
        Assert.Contains(room.Name, roomInfo);
        Assert.Contains("carol", roomInfo);
        Assert.Contains("swordfish for everyone", found);
        Assert.DoesNotContain("the secret", found);
    }

    [Fact]
    public async Task A_429_before_the_first_token_is_retried_and_the_reply_completes()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Failing(429));
        Model.Enqueue(ModelAnswer.Text("after a retry"));
        var before = Model.Requests.Count;

        await aliceHub.SendTextAsync(room.Id, "@helper hello");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (_, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);

        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal("after a retry", final.Content);
        Assert.Equal(before + 2, Model.Requests.Count);
    }

    [Fact]
    public async Task A_connection_lost_mid_stream_ends_the_reply_with_an_error_and_keeps_its_text()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Streaming("the first half ", TimeSpan.FromMilliseconds(300), new ModelAnswer.Drop()));
        var before = Model.Requests.Count;

        await aliceHub.SendTextAsync(room.Id, "@helper tell me everything");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (_, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);

        Assert.Equal(MessageStatus.Error, final.Status);
        Assert.Equal(ErrorCodes.Unavailable, final.Error?.Code);
        Assert.Equal("the first half ", final.Content);
        // Not asked again: members saw part of the reply already.
        Assert.Equal(before + 1, Model.Requests.Count);
    }

    [Fact]
    public async Task A_model_that_sends_nothing_in_time_is_asked_again_and_then_the_reply_ends_with_an_error()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        for (var i = 0; i < 3; i++)
        {
            Model.Enqueue(ModelAnswer.Streaming(TimeSpan.FromSeconds(20), "too late"));
        }

        await aliceHub.SendTextAsync(room.Id, "@helper are you there");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);

        Assert.Empty(parts);
        Assert.Equal(MessageStatus.Error, final.Status);
        Assert.Equal(ErrorCodes.Unavailable, final.Error?.Code);
        Assert.Equal("", final.Content);
    }

    [Fact]
    public async Task The_prompt_holds_what_the_asker_may_see_and_never_others_private_messages()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        var carol = await TestUser.RegisterAsync(Node, "carol");
        await carol.JoinAsync(Node, room.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Text("noted"));
        var before = Model.Requests.Count;

        await bobHub.SendPrivateAsync(room.Id, carol.Profile.Id, "the password is swordfish");
        await bobHub.SendPrivateAsync(room.Id, alice.Profile.Id, "for alice only");
        await aliceHub.SendTextAsync(room.Id, "@helper summarise");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);
        var prompt = Model.Requests[before].GetProperty("messages").GetRawText();

        Assert.DoesNotContain("swordfish", prompt);
        Assert.Contains("for alice only", prompt);
        Assert.Contains("@helper summarise", prompt);
    }

    private static string ToolResultOf(System.Text.Json.JsonElement request, string callId) =>
        Text(request.GetProperty("messages").EnumerateArray()
            .Single(m => m.GetProperty("role").GetString() == "tool" && m.GetProperty("tool_call_id").GetString() == callId));

    private static string Text(System.Text.Json.JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == System.Text.Json.JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
    }

    /// <summary>The fake endpoint, and one node whose bot <c>helper</c> talks to it.</summary>
    public sealed class ModelFixture : IAsyncLifetime
    {
        private string database = "";

        public FakeModelServer Model { get; private set; } = null!;

        public ChatNode Node { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Model = await FakeModelServer.StartAsync();
            database = await TestServers.CreateDatabaseAsync();
            var settings = BotNode.OpenAiSettings(Model);
            settings["Bots:0:SystemPrompt"] = "You are helpful.";
            settings["Bots:0:FirstTokenTimeoutSeconds"] = "2";
            Node = ChatNode.Start(database, extra: settings);
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await Model.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
