using MessagePack;

namespace Chat.Contracts;

/// <summary>Per-room settings; PUT replaces the whole object.</summary>
[MessagePackObject]
public sealed record RoomSettings(
    [property: Key("retentionDays")] int? RetentionDays = null,
    [property: Key("fileSharingAllowed")] bool FileSharingAllowed = true,
    [property: Key("typingIndicators")] bool TypingIndicators = true,
    [property: Key("maxMembers")] int? MaxMembers = null,
    [property: Key("slowModeSeconds")] int? SlowModeSeconds = 0,
    [property: Key("botReplies")] BotReplies BotReplies = BotReplies.Mentions,
    [property: Key("searchLanguage")] string SearchLanguage = "simple")
{
    /// <summary>The settings a new room gets.</summary>
    public static RoomSettings Default { get; } = new();
}

/// <summary>A room as its members see it.</summary>
[MessagePackObject]
public sealed record RoomDto(
    [property: Key("id")] Guid Id,
    [property: Key("name")] string Name,
    [property: Key("topic")] string? Topic,
    [property: Key("isPrivate")] bool IsPrivate,
    [property: Key("createdAt")] DateTime CreatedAt,
    [property: Key("settings")] RoomSettings Settings,
    [property: Key("memberCount")] int MemberCount,
    [property: Key("unreadCount")] int? UnreadCount = null,
    [property: Key("lastMessage")] MessageDto? LastMessage = null,
    [property: Key("unreadMentionCount")] int? UnreadMentionCount = null,
    [property: Key("pinnedCount")] int PinnedCount = 0,
    [property: Key("notificationsMuted")] bool NotificationsMuted = false);

/// <summary>A member of a room with role and presence.</summary>
[MessagePackObject]
public sealed record MemberDto(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("userId")] Guid UserId,
    [property: Key("userName")] string UserName,
    [property: Key("displayName")] string DisplayName,
    [property: Key("role")] RoomRole Role,
    [property: Key("status")] PresenceStatus Status,
    [property: Key("mutedUntil")] DateTime? MutedUntil,
    [property: Key("joinedAt")] DateTime JoinedAt);

/// <summary>One member's delivery and read pointers in a room.</summary>
[MessagePackObject]
public sealed record ReceiptDto(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("userId")] Guid UserId,
    [property: Key("deliveredSeq")] long DeliveredSeq,
    [property: Key("readSeq")] long ReadSeq,
    [property: Key("readAt")] DateTime? ReadAt);

/// <summary>What <c>JoinRoom</c> returns: enough to render the room at once.</summary>
[MessagePackObject]
public sealed record RoomSnapshot(
    [property: Key("room")] RoomDto Room,
    [property: Key("members")] IReadOnlyList<MemberDto> Members,
    [property: Key("typingUserIds")] IReadOnlyList<Guid> TypingUserIds,
    [property: Key("recent")] IReadOnlyList<MessageDto> Recent,
    [property: Key("lastSeq")] long LastSeq,
    [property: Key("myReceipt")] ReceiptDto MyReceipt);

/// <summary>Body of <c>POST /api/rooms</c>.</summary>
public sealed record CreateRoomRequest(string Name, string? Topic, bool IsPrivate, RoomSettings? Settings);

/// <summary>Body of <c>PATCH /api/rooms/{id}</c>; absent fields stay as they are.</summary>
public sealed record UpdateRoomRequest(string? Name, string? Topic);
