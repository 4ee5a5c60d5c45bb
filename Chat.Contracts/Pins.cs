using MessagePack;

namespace Chat.Contracts;

/// <summary>A pinned message; also the payload of <c>MessagePinned</c>.</summary>
[MessagePackObject]
public sealed record PinDto(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("message")] MessageDto Message,
    [property: Key("pinnedBy")] Guid PinnedBy,
    [property: Key("pinnedAt")] DateTime PinnedAt);

/// <summary>Payload of <c>MessageUnpinned</c>.</summary>
[MessagePackObject]
public sealed record MessageUnpinnedEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("messageId")] Guid MessageId,
    [property: Key("by")] Guid By);
