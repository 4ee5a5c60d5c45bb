namespace Chat.Contracts;

/// <summary>Body of <c>POST /api/rooms/{id}/webhooks</c> and <c>POST /api/admin/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events);

/// <summary>A registered endpoint; <see cref="Secret"/> is set only in the answer to its creation.</summary>
public sealed record WebhookDto(
    Guid Id, Guid? RoomId, string Url, IReadOnlyList<string> Events, DateTime CreatedAt, string? Secret = null);

/// <summary>Where one delivery stands.</summary>
public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>One event on its way to an endpoint, and what happened to it so far.</summary>
public sealed record WebhookDeliveryDto(
    Guid Id,
    string EventType,
    DateTime CreatedAt,
    WebhookDeliveryStatus Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTime? DeliveredAt,
    DateTime? NextAttemptAt);
