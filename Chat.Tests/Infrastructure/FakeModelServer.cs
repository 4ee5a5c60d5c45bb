using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// An OpenAI-compatible chat completions endpoint over real HTTP, answering each request with the
/// next answer a test queued: a status code, or a stream of server-sent events (text, a tool call,
/// a pause, a dropped connection). Every request body is kept for the test to read.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ModelAnswer> answers = new();
    private readonly ConcurrentQueue<JsonElement> requests = new();
    private WebApplication app = null!;

    /// <summary>The endpoint a bot is configured with (<c>…/v1</c>).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The request bodies received so far, oldest first.</summary>
    public IReadOnlyList<JsonElement> Requests => [.. requests];

    public static async Task<FakeModelServer> StartAsync()
    {
        var server = new FakeModelServer();
        (server.app, var address) = await LoopbackApp.StartAsync(app => app.MapPost("/v1/chat/completions", server.AnswerAsync));
        server.Endpoint = $"{address}/v1";
        return server;
    }

    /// <summary>Queues the answer to the next request.</summary>
    public void Enqueue(ModelAnswer answer) => answers.Enqueue(answer);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task AnswerAsync(HttpContext context)
    {
        requests.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
        var answer = answers.TryDequeue(out var next) ? next : ModelAnswer.Text("ok");
        if (answer.Status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = answer.Status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "scripted failure", type = "server_error" } });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var step in answer.Steps)
        {
            switch (step)
            {
                case TimeSpan pause:
                    await Task.Delay(pause, context.RequestAborted);
                    break;
                case ModelAnswer.Drop:
                    context.Abort();
                    return;
                case ModelAnswer.ToolCall call:
                    await ChunkAsync(context, new { tool_calls = new[] { new { index = 0, id = call.Id, type = "function", function = new { name = call.Name, arguments = call.Arguments } } } }, null);
                    await ChunkAsync(context, new { }, "tool_calls");
                    await DoneAsync(context);
                    return;
                case string text:
                    await ChunkAsync(context, new { role = "assistant", content = text }, null);
                    break;
            }
        }

        await ChunkAsync(context, new { }, "stop");
        await DoneAsync(context);
    }

    private static async Task ChunkAsync(HttpContext context, object delta, string? finishReason)
    {
        var chunk = new
        {
            id = "chunk",
            @object = "chat.completion.chunk",
            created = 1,
            model = "fake",
            choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
        };
        await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
        await context.Response.Body.FlushAsync();
    }

    private static async Task DoneAsync(HttpContext context)
    {
        await context.Response.WriteAsync("data: [DONE]\n\n");
        await context.Response.Body.FlushAsync();
    }
}

/// <summary>One scripted answer of <see cref="FakeModelServer"/>: a status, or steps streamed in order.</summary>
public sealed record ModelAnswer(int Status, IReadOnlyList<object> Steps)
{
    /// <summary>Streams these pieces of text, then ends.</summary>
    public static ModelAnswer Text(params string[] pieces) => new(StatusCodes.Status200OK, pieces);

    /// <summary>Streams these steps: text (string), a pause (TimeSpan), <see cref="Drop"/>, a <see cref="ToolCall"/>.</summary>
    public static ModelAnswer Streaming(params object[] steps) => new(StatusCodes.Status200OK, steps);

    /// <summary>Answers with this status and no stream.</summary>
    public static ModelAnswer Failing(int status) => new(status, []);

    /// <summary>The connection is dropped at this point of the stream.</summary>
    public sealed record Drop;

    /// <summary>The model calls a tool (and the stream ends there, as OpenAI's does).</summary>
    public sealed record ToolCall(string Id, string Name, string Arguments = "{}");
}
