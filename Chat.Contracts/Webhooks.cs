namespace Chat.Contracts;

/// <summary>Body of <c>POST /api/rooms/{id}/webhooks</c> and <c>POST /api/admin/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events);

/// <summary>
/// A registered endpoint; <see cref="Secret"/> is set only in the answer to its creation.
/// <see cref="PausedAt"/>: when failed deliveries in a row paused it (it gets no new events until
/// resumed); null while it is live.
/// </summary>
public sealed record WebhookDto(
    Guid Id, Guid? RoomId, string Url, IReadOnlyList<string> Events, DateTime CreatedAt, string? Secret = null, DateTime? PausedAt = null);

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

/// <summary>The event types a webhook may ask for, as <see cref="CreateWebhookRequest.Events"/> names them.</summary>
public static class WebhookEventTypes
{
    /// <summary><c>data</c>: the <see cref="MessageDto"/> as stored (private messages are never sent).</summary>
    public const string MessageCreated = "message.created";

    /// <summary><c>data</c>: the <see cref="MessageDto"/> after an edit, or a bot's reply once it has ended.</summary>
    public const string MessageUpdated = "message.updated";

    /// <summary><c>data</c>: the deleted <see cref="MessageDto"/> (<c>deleted: true</c>, no content).</summary>
    public const string MessageDeleted = "message.deleted";

    /// <summary><c>data</c>: the <see cref="MemberDto"/> of the new member.</summary>
    public const string MemberJoined = "member.joined";

    /// <summary><c>data</c>: a <see cref="WebhookMemberEvent"/>; <c>by</c> and <c>reason</c> are set when a moderator removed the member.</summary>
    public const string MemberLeft = "member.left";

    /// <summary><c>data</c>: the <see cref="MemberDto"/> with its new role.</summary>
    public const string MemberRoleChanged = "member.role_changed";

    /// <summary><c>data</c>: a <see cref="WebhookMemberEvent"/> with <c>by</c> and <c>until</c>.</summary>
    public const string ModerationMuted = "moderation.muted";

    /// <summary><c>data</c>: a <see cref="WebhookMemberEvent"/> with <c>by</c>.</summary>
    public const string ModerationUnmuted = "moderation.unmuted";

    /// <summary><c>data</c>: a <see cref="WebhookMemberEvent"/> with <c>by</c> and <c>reason</c>.</summary>
    public const string ModerationKicked = "moderation.kicked";

    /// <summary><c>data</c>: a <see cref="WebhookMemberEvent"/> with <c>by</c> and <c>reason</c>.</summary>
    public const string ModerationBanned = "moderation.banned";

    /// <summary><c>data</c>: a <see cref="WebhookMemberEvent"/> with <c>by</c>.</summary>
    public const string ModerationUnbanned = "moderation.unbanned";

    /// <summary><c>data</c>: the <see cref="PinDto"/>, as <c>MessagePinned</c> carries it.</summary>
    public const string MessagePinned = "message.pinned";

    /// <summary><c>data</c>: the <see cref="MessageUnpinnedEvent"/>, as <c>MessageUnpinned</c> carries it.</summary>
    public const string MessageUnpinned = "message.unpinned";

    /// <summary>Every event type, in the order the contract lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        MessageCreated, MessageUpdated, MessageDeleted, MemberJoined, MemberLeft, MemberRoleChanged,
        ModerationMuted, ModerationUnmuted, ModerationKicked, ModerationBanned, ModerationUnbanned,
        MessagePinned, MessageUnpinned,
    ];
}

/// <summary>
/// The body of a delivery: <c>POST url</c> with <c>{id, type, createdAt, roomId, data}</c>. <see cref="Id"/>
/// is also the <c>Webhook-Id</c> header, the same on every attempt; <see cref="Data"/> depends on
/// <see cref="Type"/> (see <see cref="WebhookEventTypes"/>).
/// </summary>
public sealed record WebhookEvent(Guid Id, string Type, DateTime CreatedAt, Guid RoomId, System.Text.Json.JsonElement Data);

/// <summary>
/// The <c>data</c> of <c>member.left</c> and the <c>moderation.*</c> events: who, in which room,
/// and (where it applies) the moderator, the reason given and the end of a mute.
/// </summary>
public sealed record WebhookMemberEvent(Guid RoomId, Guid UserId, Guid? By = null, string? Reason = null, DateTime? Until = null);
