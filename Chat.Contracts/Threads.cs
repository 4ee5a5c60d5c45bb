using MessagePack;

namespace Chat.Contracts;

/// <summary>What a thread's root shows in the room's main list.</summary>
[MessagePackObject]
public sealed record ThreadSummaryDto(
    [property: Key("replyCount")] int ReplyCount,
    [property: Key("lastReplyAt")] DateTime LastReplyAt,
    [property: Key("latestReplierIds")] IReadOnlyList<Guid> LatestReplierIds,
    // The room's seq of the latest reply: a client holding the root tells with it, exactly,
    // whether a reply it receives is already counted, and compares it with its lastReadSeq.
    [property: Key("lastReplySeq")] long LastReplySeq);

/// <summary>The answer to <c>GetThread</c>: the root and a page of its replies, oldest first.</summary>
[MessagePackObject]
public sealed record ThreadPage(
    [property: Key("root")] MessageDto Root,
    [property: Key("replies")] IReadOnlyList<MessageDto> Replies,
    [property: Key("hasMore")] bool HasMore,
    [property: Key("lastReadSeq")] long LastReadSeq);

/// <summary>A thread the caller takes part in, with what they have not read of it.</summary>
[MessagePackObject]
public sealed record ThreadDto(
    [property: Key("root")] MessageDto Root,
    [property: Key("unreadCount")] int UnreadCount,
    [property: Key("lastReadSeq")] long LastReadSeq);

/// <summary>
/// Payload of <c>ThreadReadUpdated</c>: how far a user has now read a thread. It goes to all of
/// that user's connections, so that another device's unread count follows.
/// </summary>
[MessagePackObject]
public sealed record ThreadReadEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("rootId")] Guid RootId,
    [property: Key("lastReadSeq")] long LastReadSeq);
