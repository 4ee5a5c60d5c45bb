using MessagePack;

namespace Chat.Contracts;

/// <summary>An uploaded file that a message refers to.</summary>
[MessagePackObject]
public sealed record AttachmentDto(
    [property: Key("id")] Guid Id,
    [property: Key("fileName")] string FileName,
    [property: Key("contentType")] string ContentType,
    [property: Key("size")] long Size,
    [property: Key("url")] string Url);

/// <summary>A stored message as clients see it.</summary>
[MessagePackObject]
public sealed record MessageDto(
    [property: Key("id")] Guid Id,
    [property: Key("roomId")] Guid RoomId,
    [property: Key("seq")] long Seq,
    [property: Key("senderId")] Guid SenderId,
    [property: Key("senderName")] string SenderName,
    [property: Key("type")] MessageType Type,
    [property: Key("content")] string Content,
    [property: Key("toUserId")] Guid? ToUserId,
    [property: Key("replyToId")] Guid? ReplyToId,
    [property: Key("attachment")] AttachmentDto? Attachment,
    [property: Key("metadata")] IReadOnlyDictionary<string, string>? Metadata,
    [property: Key("reactions")] IReadOnlyDictionary<string, int> Reactions,
    [property: Key("sentAt")] DateTime SentAt,
    [property: Key("editedAt")] DateTime? EditedAt,
    [property: Key("deleted")] bool Deleted,
    [property: Key("status")] MessageStatus Status = MessageStatus.Complete,
    [property: Key("parts")] IReadOnlyList<MessagePartDto>? Parts = null,
    [property: Key("streamIndex")] int? StreamIndex = null,
    [property: Key("error")] MessageErrorDto? Error = null,
    [property: Key("threadRootId")] Guid? ThreadRootId = null,
    [property: Key("alsoToRoom")] bool AlsoToRoom = false,
    [property: Key("thread")] ThreadSummaryDto? Thread = null,
    [property: Key("mentions")] IReadOnlyList<Guid>? Mentions = null,
    [property: Key("mentionsRoom")] bool MentionsRoom = false,
    [property: Key("pinned")] bool Pinned = false);

/// <summary>
/// A message to send. Ids and the type are strings on purpose: a malformed value must come back
/// as the <c>invalid</c> error code, not as a framework binding failure.
/// </summary>
[MessagePackObject]
public sealed record SendMessageRequest(
    [property: Key("roomId")] string? RoomId,
    [property: Key("clientMessageId")] string? ClientMessageId,
    [property: Key("type")] string? Type,
    [property: Key("content")] string? Content,
    [property: Key("toUserId")] string? ToUserId = null,
    [property: Key("replyToId")] string? ReplyToId = null,
    [property: Key("attachmentId")] string? AttachmentId = null,
    [property: Key("metadata")] Dictionary<string, string>? Metadata = null,
    [property: Key("threadRootId")] string? ThreadRootId = null,
    [property: Key("alsoToRoom")] bool? AlsoToRoom = null);

/// <summary>The answer to a send, given only once the message is durably stored.</summary>
[MessagePackObject]
public sealed record MessageAck(
    [property: Key("messageId")] Guid MessageId,
    [property: Key("roomId")] Guid RoomId,
    [property: Key("seq")] long Seq,
    [property: Key("sentAt")] DateTime SentAt,
    [property: Key("duplicate")] bool Duplicate);

/// <summary>Where a client stands in one room when it asks what it missed.</summary>
[MessagePackObject]
public sealed record SyncRoomRequest(
    [property: Key("roomId")] string? RoomId,
    [property: Key("afterSeq")] long AfterSeq);

/// <summary>Body of the hub's <c>Sync</c>.</summary>
[MessagePackObject]
public sealed record SyncRequest(
    [property: Key("rooms")] IReadOnlyList<SyncRoomRequest>? Rooms);

/// <summary>The messages of one room after the client's seq.</summary>
[MessagePackObject]
public sealed record SyncRoomResult(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("messages")] IReadOnlyList<MessageDto> Messages,
    [property: Key("hasMore")] bool HasMore);

/// <summary>The answer to <c>Sync</c>.</summary>
[MessagePackObject]
public sealed record SyncResult(
    [property: Key("rooms")] IReadOnlyList<SyncRoomResult> Rooms);
