using System.Text.Json;
using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A service that receives webhooks: real Kestrel on a loopback port, one path per endpoint a test
/// registers (<see cref="UrlOf"/>). It keeps every request as it came, and answers as the test
/// says (<c>AnswerWith</c>): 200 by default, an error status, or no answer until released.
/// <see cref="EventsAsync"/> checks every request's signature with the public
/// <see cref="WebhookSignature"/> before it hands the events out.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly List<ReceivedDelivery> received = [];
    private readonly Dictionary<string, Func<ReceivedDelivery, int, CancellationToken, Task<int>>> answers = [];
    private WebApplication app = null!;
    private string address = "";
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        (receiver.app, receiver.address) = await LoopbackApp.StartAsync(app => app.MapPost("/hooks/{name}", receiver.ReceiveAsync));
        return receiver;
    }

    /// <summary>The URL of endpoint <paramref name="name"/> on this receiver (http on 127.0.0.1).</summary>
    public string UrlOf(string name) => $"{address}/hooks/{name}";

    /// <summary>The same endpoint under the name <c>localhost</c>, which resolves to the loopback address.</summary>
    public string LocalhostUrlOf(string name) => UrlOf(name).Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

    /// <summary>
    /// How endpoint <paramref name="name"/> answers from now on: <paramref name="answer"/> gets the
    /// request, how many requests this endpoint had before it, and the request's abort token.
    /// </summary>
    public void AnswerWith(string name, Func<ReceivedDelivery, int, CancellationToken, Task<int>> answer)
    {
        lock (gate)
        {
            answers[name] = answer;
        }
    }

    /// <summary>Endpoint <paramref name="name"/> answers <paramref name="status"/> to every request.</summary>
    public void AnswerWith(string name, int status) => AnswerWith(name, (_, _, _) => Task.FromResult(status));

    /// <summary>Every request endpoint <paramref name="name"/> got so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedDelivery> RequestsTo(string name)
    {
        lock (gate)
        {
            return [.. received.Where(r => r.Endpoint == name)];
        }
    }

    /// <summary>Waits until endpoint <paramref name="name"/>'s requests satisfy <paramref name="condition"/>.</summary>
    public async Task<IReadOnlyList<ReceivedDelivery>> WaitForAsync(
        string name, Func<IReadOnlyList<ReceivedDelivery>, bool> condition, TimeSpan? deadline = null, string? what = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task next;
            lock (gate)
            {
                next = arrived.Task;
            }

            var requests = RequestsTo(name);
            if (condition(requests))
            {
                return requests;
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"Not within {(deadline ?? TimeSpan.FromSeconds(20)).TotalSeconds} s: {what ?? "the deliveries expected"} ({requests.Count} requests to {name}: "
                    + string.Join(", ", requests.Select(r => r.Type)) + ")");
            }
        }
    }

    /// <summary>
    /// The events of every request to endpoint <paramref name="name"/>, once each request's
    /// signature was checked against <paramref name="secret"/> (a bad one fails the test).
    /// </summary>
    public IReadOnlyList<WebhookEvent> EventsOf(string name, string secret) =>
        [.. RequestsTo(name).Select(r => r.Verified(secret))];

    /// <summary>
    /// Waits for <paramref name="count"/> events at endpoint <paramref name="name"/> that
    /// <paramref name="match"/>, each checked against <paramref name="secret"/>; returns them all.
    /// </summary>
    public async Task<IReadOnlyList<WebhookEvent>> EventsAsync(string name, string secret, Func<WebhookEvent, bool> match, int count = 1)
    {
        await WaitForAsync(
            name,
            requests => requests.Count(r => match(r.Verified(secret))) >= count,
            what: $"{count} matching events");
        return [.. EventsOf(name, secret).Where(match)];
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(string name, HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers;
        var delivery = new ReceivedDelivery(
            name,
            headers[WebhookSignature.IdHeader].ToString(),
            headers[WebhookSignature.TimestampHeader].ToString(),
            headers[WebhookSignature.SignatureHeader].ToString(),
            context.Request.ContentType,
            body.ToArray());
        Func<ReceivedDelivery, int, CancellationToken, Task<int>>? answer;
        int before;
        lock (gate)
        {
            before = received.Count(r => r.Endpoint == name);
            received.Add(delivery);
            answers.TryGetValue(name, out answer);
            var done = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
        }

        var status = answer is null ? StatusCodes.Status200OK : await answer(delivery, before, context.RequestAborted);
        return Results.StatusCode(status);
    }
}

/// <summary>One request as the receiver got it: the endpoint's name, the webhook headers and the raw body.</summary>
public sealed record ReceivedDelivery(string Endpoint, string Id, string Timestamp, string Signature, string? ContentType, byte[] Body)
{
    /// <summary>The event's type, read without checking the signature: for failure messages.</summary>
    public string Type => JsonDocument.Parse(Body).RootElement.GetProperty("type").GetString() ?? "";

    /// <summary>The event, once the signature was checked with the public helper (failing the test if it does not match).</summary>
    public WebhookEvent Verified(string secret)
    {
        Assert.True(
            WebhookSignature.Verify(secret, Timestamp, Body, Signature, WebhookSignature.DefaultTolerance),
            $"the delivery {Id} carries no valid signature: {Signature}");
        var webhookEvent = JsonSerializer.Deserialize<WebhookEvent>(Body, Json.Options)!;
        Assert.Equal(Id, webhookEvent.Id.ToString());
        return webhookEvent;
    }
}
