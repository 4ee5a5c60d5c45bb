using System.Text.Json;
using Chat.Contracts;
using Dapper;
using Npgsql;

namespace Chat.Data.Webhooks;

/// <summary>
/// Writes webhook events into the outbox inside the transaction that stores their change, so an
/// event is delivered exactly when its change is committed. Each call costs one statement that
/// writes nothing unless some endpoint wants the event of that room (see migration 19). Messages
/// need no call: triggers on <c>messages</c> write theirs.
/// </summary>
internal static class WebhookOutbox
{
    /// <summary><c>member.joined</c> or <c>member.role_changed</c>: the member as the change left them.</summary>
    public static Task EmitMemberAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid roomId, Guid userId, string eventType, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "select webhook_emit_member(@RoomId, @UserId, @EventType)",
            new { RoomId = roomId, UserId = userId, EventType = eventType },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary><c>member.left</c> and the <c>moderation.*</c> events: <paramref name="data"/> is their wire form.</summary>
    public static Task EmitAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string eventType, WebhookMemberEvent data, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "select webhook_emit(@RoomId, @EventType, cast(@Data as jsonb)) where webhook_wanted(@RoomId, @EventType)",
            new { data.RoomId, EventType = eventType, Data = JsonSerializer.Serialize(data, JsonTypeHandlers.Json) },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// <c>message.pinned</c>, for the transaction that stores a pin: the message as it is now,
    /// with who pinned it and when (delivered as the <c>PinDto</c>).
    /// </summary>
    public static Task EmitPinnedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid roomId, Guid messageId, Guid pinnedBy, DateTime pinnedAt, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "select webhook_emit_pinned(@RoomId, @MessageId, @PinnedBy, @PinnedAt)",
            new { RoomId = roomId, MessageId = messageId, PinnedBy = pinnedBy, PinnedAt = pinnedAt },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary><c>message.unpinned</c>, for the transaction that removes a pin (an unpin, or the message's deletion).</summary>
    public static Task EmitUnpinnedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid roomId, Guid messageId, Guid by, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "select webhook_emit_unpinned(@RoomId, @MessageId, @By)",
            new { RoomId = roomId, MessageId = messageId, By = by },
            transaction,
            cancellationToken: cancellationToken));
}
