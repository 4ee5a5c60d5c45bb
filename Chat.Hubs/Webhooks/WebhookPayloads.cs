using System.Text.Json;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Chat.Data.Webhooks;

namespace Chat.Hubs.Webhooks;

/// <summary>
/// The body of a delivery, <c>{id, type, createdAt, roomId, data}</c>, in the REST API's JSON: the
/// stored snapshot becomes the <c>MessageDto</c>, <c>MemberDto</c> or <c>PinDto</c> the API
/// would show for it, through the same mapping.
/// </summary>
public static class WebhookPayloads
{
    private static readonly JsonSerializerOptions Json = ChatSerialization.Json;

    public static byte[] Body(ClaimedDelivery delivery, WebhookEventData data) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Envelope(delivery.Id, delivery.EventType, delivery.CreatedAt, delivery.RoomId, DataOf(delivery.EventType, data)), Json);

    private static object DataOf(string eventType, WebhookEventData data) => data switch
    {
        { Message: { } message, PinnedBy: { } pinnedBy, PinnedAt: { } pinnedAt } => new PinDto(message.RoomId, message.ToDto(), pinnedBy, pinnedAt),
        { Message: { } message } => message.ToDto(),
        { Member: { } member } => member.ToDto(),
        // Read into the contract's type and written again, so the fields come in its order and form.
        { Json: { } json } => eventType switch
        {
            WebhookEventTypes.MessageUnpinned => JsonSerializer.Deserialize<MessageUnpinnedEvent>(json, Json)!,
            _ => JsonSerializer.Deserialize<WebhookMemberEvent>(json, Json)!,
        },
        _ => throw new ArgumentException("a delivery's data holds a message, a member or JSON", nameof(data)),
    };

    private sealed record Envelope(Guid Id, string Type, DateTime CreatedAt, Guid RoomId, object Data);
}
