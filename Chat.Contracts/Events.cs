using MessagePack;

namespace Chat.Contracts;

/// <summary>Payload of <c>MessageDeleted</c>.</summary>
[MessagePackObject]
public sealed record MessageDeletedEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("messageId")] Guid MessageId);

/// <summary>Payload of <c>UserJoined</c>.</summary>
[MessagePackObject]
public sealed record UserJoinedEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("user")] UserDto User);

/// <summary>Payload of <c>UserLeft</c>.</summary>
[MessagePackObject]
public sealed record UserLeftEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("userId")] Guid UserId);

/// <summary>Payload of <c>TypingChanged</c>: everyone typing in the room now.</summary>
[MessagePackObject]
public sealed record TypingChangedEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("userIds")] IReadOnlyList<Guid> UserIds);

/// <summary>Payload of <c>PresenceChanged</c>.</summary>
[MessagePackObject]
public sealed record PresenceChangedEvent(
    [property: Key("userId")] Guid UserId,
    [property: Key("status")] PresenceStatus Status,
    [property: Key("lastSeenAt")] DateTime? LastSeenAt);

/// <summary>
/// Payload of <c>PresenceDigest</c>: the presence changes of a large room's members since the
/// last digest, one per user (the latest), to the connections watching the room's presence.
/// </summary>
[MessagePackObject]
public sealed record PresenceDigestEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("changes")] IReadOnlyList<PresenceChangedEvent> Changes);

/// <summary>Payload of <c>ReactionChanged</c>.</summary>
[MessagePackObject]
public sealed record ReactionChangedEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("messageId")] Guid MessageId,
    [property: Key("emoji")] string Emoji,
    [property: Key("count")] int Count,
    [property: Key("userId")] Guid UserId,
    [property: Key("added")] bool Added);

/// <summary>
/// Payload of <c>ResyncRequired</c>: this connection may have missed events of these rooms, or of
/// all its rooms when <see cref="RoomIds"/> is null; the client calls <c>Sync</c>.
/// </summary>
[MessagePackObject]
public sealed record ResyncRequiredEvent(
    [property: Key("roomIds")] IReadOnlyList<Guid>? RoomIds);

/// <summary>Payload of <c>RemovedFromRoom</c>.</summary>
[MessagePackObject]
public sealed record RemovedFromRoomEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("reason")] RemovalReason Reason,
    [property: Key("by")] Guid? By);
