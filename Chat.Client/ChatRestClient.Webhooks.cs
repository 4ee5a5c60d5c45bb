using Chat.Contracts;

namespace Chat.Client;

/// <summary>
/// Webhooks: endpoints of a room (its admins) or of every room (global admins), and their
/// deliveries. A receiving service checks each request with <see cref="WebhookSignature.Verify(string, string?, ReadOnlySpan{byte}, string?, TimeSpan, DateTimeOffset?)"/>.
/// </summary>
public sealed partial class ChatRestClient
{
    /// <summary>Registers an endpoint for the room's <paramref name="events"/>; keep the answer's secret, it is never shown again.</summary>
    public Task<WebhookDto> CreateWebhookAsync(Guid roomId, string url, IEnumerable<string> events, CancellationToken cancellationToken = default) =>
        SendAsync<WebhookDto>(HttpMethod.Post, $"api/rooms/{roomId}/webhooks", new CreateWebhookRequest(url, [.. events]), cancellationToken);

    /// <summary>Registers an endpoint for the <paramref name="events"/> of every room (global admins); keep the answer's secret.</summary>
    public Task<WebhookDto> CreateGlobalWebhookAsync(string url, IEnumerable<string> events, CancellationToken cancellationToken = default) =>
        SendAsync<WebhookDto>(HttpMethod.Post, "api/admin/webhooks", new CreateWebhookRequest(url, [.. events]), cancellationToken);

    /// <summary>The room's endpoints (room admins).</summary>
    public Task<WebhookDto[]> GetWebhooksAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        GetAsync<WebhookDto[]>($"api/rooms/{roomId}/webhooks", cancellationToken);

    /// <summary>The global endpoints (global admins).</summary>
    public Task<WebhookDto[]> GetGlobalWebhooksAsync(CancellationToken cancellationToken = default) =>
        GetAsync<WebhookDto[]>("api/admin/webhooks", cancellationToken);

    public Task<WebhookDto> GetWebhookAsync(Guid webhookId, CancellationToken cancellationToken = default) =>
        GetAsync<WebhookDto>($"api/webhooks/{webhookId}", cancellationToken);

    /// <summary>Deletes an endpoint; its pending deliveries are dropped.</summary>
    public Task DeleteWebhookAsync(Guid webhookId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/webhooks/{webhookId}", null, cancellationToken);

    /// <summary>Resumes an endpoint its failing deliveries paused (<see cref="WebhookDto.PausedAt"/>): new events reach it again.</summary>
    public Task<WebhookDto> ResumeWebhookAsync(Guid webhookId, CancellationToken cancellationToken = default) =>
        SendAsync<WebhookDto>(HttpMethod.Post, $"api/webhooks/{webhookId}/resume", null, cancellationToken);

    /// <summary>The endpoint's latest deliveries, the latest first (at most 200; 50 by default).</summary>
    public Task<WebhookDeliveryDto[]> GetWebhookDeliveriesAsync(Guid webhookId, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync<WebhookDeliveryDto[]>(Query($"api/webhooks/{webhookId}/deliveries", ("limit", limit)), cancellationToken);
}
