using System.Globalization;
using System.Net.Http.Json;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>The webhook routes as tests call them, like <see cref="ChatApi"/> (see Chat.Api.http).</summary>
public static class WebhookApi
{
    public const string GlobalWebhooks = "api/admin/webhooks";

    public static string RoomWebhooks(Guid roomId) => $"{ApiRoutes.Room(roomId)}/webhooks";

    public static string Webhook(Guid webhookId) => $"api/webhooks/{webhookId}";

    public static string Deliveries(Guid webhookId) => $"{Webhook(webhookId)}/deliveries";

    public static Task<HttpResponseMessage> CreateWebhookAsync(this HttpClient http, Guid roomId, string? url, params string[] events) =>
        http.PostAsJsonAsync(RoomWebhooks(roomId), new CreateWebhookRequest(url, events), Json.Options);

    public static Task<HttpResponseMessage> CreateGlobalWebhookAsync(this HttpClient http, string? url, params string[] events) =>
        http.PostAsJsonAsync(GlobalWebhooks, new CreateWebhookRequest(url, events), Json.Options);

    /// <summary>Registers an endpoint for the room and returns it, secret included; fails the test unless it was created.</summary>
    public static Task<WebhookDto> RegisterWebhookAsync(this HttpClient http, Guid roomId, string url, params string[] events) =>
        http.CreateWebhookAsync(roomId, url, events).ReadAsync<WebhookDto>(System.Net.HttpStatusCode.Created);

    public static Task<HttpResponseMessage> GetWebhookAsync(this HttpClient http, Guid webhookId) => http.GetAsync(Webhook(webhookId));

    public static Task<HttpResponseMessage> DeleteWebhookAsync(this HttpClient http, Guid webhookId) => http.DeleteAsync(Webhook(webhookId));

    public static Task<HttpResponseMessage> GetDeliveriesAsync(this HttpClient http, Guid webhookId, int? limit = null) =>
        http.GetAsync(limit is null ? Deliveries(webhookId) : string.Create(CultureInfo.InvariantCulture, $"{Deliveries(webhookId)}?limit={limit}"));

    /// <summary>The endpoint's deliveries, the latest first; fails the test unless the caller may read them.</summary>
    public static Task<WebhookDeliveryDto[]> DeliveriesAsync(this HttpClient http, Guid webhookId) =>
        http.GetDeliveriesAsync(webhookId).ReadAsync<WebhookDeliveryDto[]>();
}
