using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Contracts.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Chat.Client;

/// <summary>
/// A typed client of the chat service's REST API, for services that manage rooms, members and
/// moderation or post messages without holding a hub connection. Requests go through the
/// standard resilience pipeline (see <see cref="ChatRetryRules"/> for what is repeated);
/// refusals surface as <see cref="ChatServiceException"/> with the contract code.
/// </summary>
/// <remarks>Register it with <c>services.AddChatClient(...)</c>, or build one with <see cref="Create"/>.</remarks>
public sealed partial class ChatRestClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    // Keeps the private container of Create alive as long as the client: it owns the handlers.
    private IServiceProvider? owner;

    /// <summary>
    /// A client without dependency injection. It keeps its own handler pipeline for its lifetime;
    /// a service that already has a container should use <c>services.AddChatClient(...)</c>.
    /// </summary>
    public static ChatRestClient Create(ChatClientOptions options, Action<HttpStandardResilienceOptions>? resilience = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(options));
        var pipeline = services.AddChatRestClient();
        if (resilience is not null)
        {
            pipeline.Configure(resilience);
        }

        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ChatRestClient>();
        client.owner = provider;
        return client;
    }

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, bool idempotent = false)
    {
        using var request = Request(method, path, body, idempotent);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new InvalidOperationException($"{method} {path} answered without a body");
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body, idempotent: false);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            await EnsureAcceptedAsync(response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body, bool idempotent)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            // Bytes, not a streamed JsonContent: a retried request sends the same content again.
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        if (idempotent)
        {
            request.Options.Set(ChatRetryRules.Idempotent, true);
        }

        return request;
    }

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ChatProblemReader.ReadAsync(response, Json, cancellationToken);
        }
    }

    private static string Query(string path, params (string Name, object? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}")
            .ToArray();
        return present.Length == 0 ? path : $"{path}?{string.Join('&', present)}";
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ChatSerialization.ConfigureJson(options);
        return options;
    }
}
