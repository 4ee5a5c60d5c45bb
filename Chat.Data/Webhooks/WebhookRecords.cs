using Chat.Contracts;

namespace Chat.Data.Webhooks;

/// <summary>A registered endpoint; <see cref="Secret"/> as <c>WebhookSecrets</c> stores it.</summary>
public sealed record StoredWebhook
{
    public Guid Id { get; init; }

    /// <summary>The room it hears; null for a global admin's endpoint, which hears every room.</summary>
    public Guid? RoomId { get; init; }

    public string Url { get; init; } = "";
    public string[] Events { get; init; } = [];
    public string Secret { get; init; } = "";
    public Guid CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>When its failed deliveries in a row paused it; null while it gets new events.</summary>
    public DateTime? PausedAt { get; init; }
}

/// <summary>One delivery, as its endpoint's admins read it.</summary>
public sealed record StoredWebhookDelivery
{
    public Guid Id { get; init; }
    public string EventType { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public WebhookDeliveryStatus Status { get; init; }
    public int Attempts { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    public DateTime? DeliveredAt { get; init; }
    public DateTime? NextAttemptAt { get; init; }
}

/// <summary>A delivery a node has taken, with where it goes and the secret that signs it.</summary>
public sealed record ClaimedDelivery
{
    public Guid Id { get; init; }
    public Guid WebhookId { get; init; }
    public string EventType { get; init; } = "";
    public Guid RoomId { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>The attempts made before this one.</summary>
    public int Attempts { get; init; }

    public string Url { get; init; } = "";
    public string Secret { get; init; } = "";
}

/// <summary>
/// What a delivery's <c>data</c> is made from: the message (and, for a pin, who pinned it and
/// when), the member, or the wire form itself (<see cref="Json"/>).
/// </summary>
public sealed record WebhookEventData(StoredMessage? Message = null, RoomMember? Member = null, string? Json = null, Guid? PinnedBy = null, DateTime? PinnedAt = null);
