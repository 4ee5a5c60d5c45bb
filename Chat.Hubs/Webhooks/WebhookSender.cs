using System.Globalization;
using System.Net.Http.Headers;
using Chat.Contracts;
using Chat.Hubs.Outbound;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Webhooks;

/// <summary>
/// Posts signed deliveries to endpoints over one long-lived HTTP client whose sockets connect only
/// where <see cref="PublicAddresses"/> allows. Redirects are not followed (a 3xx is a failed
/// attempt) and no proxy is used, so the address checked is always the endpoint's own.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly ProductInfoHeaderValue Agent = new("Chat-Webhooks", "1.0");

    private readonly HttpClient http;
    private readonly TimeSpan timeout;
    private readonly TimeProvider clock;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        var allowPrivate = options.Value.AllowPrivateNetworks;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = timeout,
            // A pooled connection keeps the address it was checked at; a fresh one is resolved and checked again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, token) => PublicAddresses.ConnectAsync(context.DnsEndPoint, allowPrivate, token),
        };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// One attempt: <c>POST</c> <paramref name="body"/> to <paramref name="url"/>, signed with
    /// <paramref name="secret"/> at the current time. Success is a 2xx answer within the timeout;
    /// anything else comes back as the status and a short error, never as an exception (except
    /// for <paramref name="cancellationToken"/>, the node stopping).
    /// </summary>
    public async Task<WebhookAttempt> PostAsync(string url, Guid deliveryId, byte[] body, string secret, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.UserAgent.Add(Agent);
        request.Headers.Add(WebhookSignature.IdHeader, deliveryId.ToString());
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // The answer's body is never read: its status is all that counts.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new WebhookAttempt(true, status, null)
                : new WebhookAttempt(false, status, $"the endpoint answered {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(false, null, Describe(e));
        }
    }

    public void Dispose() => http.Dispose();

    // The innermost message says what went wrong (refused address, connection refused, bad certificate).
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }

        var text = inner is AddressRefusedException || ReferenceEquals(inner, e) ? inner.Message : $"{e.Message} ({inner.Message})";
        return text.Length <= 500 ? text : text[..500];
    }
}

/// <summary>How one attempt went: delivered, or not with the status (when there was an answer) and why.</summary>
public readonly record struct WebhookAttempt(bool Delivered, int? StatusCode, string? Error);
