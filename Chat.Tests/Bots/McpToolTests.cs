using System.Text.Json;
using Chat.Contracts;
using Chat.Hubs.Bots;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bots;

/// <summary>
/// A bot given the operator's MCP servers: a real MCP server over HTTP whose tool the model is
/// offered and calls, and a declared server where nothing listens, which costs the bot that
/// server's tools and nothing else.
/// </summary>
public sealed class McpToolTests(McpToolTests.McpFixture fixture) : IClassFixture<McpToolTests.McpFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private ChatNode Node => fixture.Node;

    private FakeModelServer Model => fixture.Model;

    [Fact]
    public async Task The_model_is_offered_the_servers_tool_and_its_call_runs_there_and_streams_into_the_reply()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Streaming(new ModelAnswer.ToolCall("call_o", FakeToolServer.ToolName, "{\"orderId\":\"42\"}")));
        Model.Enqueue(ModelAnswer.Text("Your order has shipped."));
        var before = Model.Requests.Count;

        await aliceHub.SendTextAsync(room.Id, "@helper where is order 42?");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);

        // Offered beside the built-in tools; the unreachable server adds none.
        Assert.Equal([.. BotTools.Names, FakeToolServer.ToolName], ToolsOffered(Model.Requests[before]));
        Assert.Equal(MessageStatus.Complete, final.Status);
        Assert.Equal([PartKinds.ToolCall, PartKinds.ToolResult, PartKinds.TextDelta], parts.Select(p => p.Kind));
        Assert.Equal(FakeToolServer.ToolName, parts[0].Name);
        Assert.Contains("order 42 shipped", parts[1].Result);
        Assert.False(parts[1].IsError);
        Assert.Contains("order 42 shipped", ToolMessage(Model.Requests[before + 1]));
        Assert.Contains("order 42 shipped", final.Parts![1].Result);
    }

    [Fact]
    public async Task A_tool_that_fails_on_the_server_gives_the_model_an_error_and_the_reply_still_completes()
    {
        var (alice, bob, room, bot) = await BotNode.RoomWithBotAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        Model.Enqueue(ModelAnswer.Streaming(new ModelAnswer.ToolCall("call_b", FakeToolServer.ToolName, "{\"orderId\":\"boom\"}")));
        Model.Enqueue(ModelAnswer.Text("I could not look that up."));

        await aliceHub.SendTextAsync(room.Id, "@helper where is order boom?");
        var reply = await BotNode.NextFromAsync(bobHub, bot.Id, Wait);
        var (parts, final) = await BotNode.StreamOfAsync(bobHub, reply.Id, Wait);

        Assert.Equal(MessageStatus.Complete, final.Status);
        var result = Assert.Single(parts, p => p.Kind == PartKinds.ToolResult);
        Assert.DoesNotContain("shipped", result.Result);
        Assert.Equal("I could not look that up.", final.Content);
    }

    private static List<string> ToolsOffered(JsonElement request) =>
        [.. request.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)];

    private static string ToolMessage(JsonElement request) =>
        request.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool").GetRawText();

    /// <summary>The fake model, the MCP server, and a node whose bot <c>helper</c> has that server and one where nothing listens.</summary>
    public sealed class McpFixture : IAsyncLifetime
    {
        private string database = "";

        public FakeModelServer Model { get; private set; } = null!;

        public FakeToolServer Tools { get; private set; } = null!;

        public ChatNode Node { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Model = await FakeModelServer.StartAsync();
            Tools = await FakeToolServer.StartAsync();
            database = await TestServers.CreateDatabaseAsync();
            var settings = BotNode.OpenAiSettings(Model);
            settings["Bots:0:McpServers:0:Name"] = "gone";
            settings["Bots:0:McpServers:0:Url"] = FakeToolServer.Nowhere().ToString();
            settings["Bots:0:McpServers:1:Name"] = "orders";
            settings["Bots:0:McpServers:1:Url"] = Tools.Url.ToString();
            Node = ChatNode.Start(database, extra: settings);
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await Tools.DisposeAsync();
            await Model.DisposeAsync();
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
