using System.Collections.ObjectModel;
using Chat.Contracts;

namespace Chat.Data;

/// <summary>A stored user account.</summary>
public sealed record ChatUser
{
    public Guid Id { get; init; }
    public string UserName { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string? AvatarUrl { get; init; }
    public string? PasswordHash { get; init; }
    public GlobalRole Role { get; init; }
    public PresenceStatus Status { get; init; }
    public DateTime? LastSeenAt { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>A stored room with its member count.</summary>
public sealed record Room
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string? Topic { get; init; }
    public bool IsPrivate { get; init; }
    public RoomSettings Settings { get; init; } = RoomSettings.Default;
    public long LastSeq { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public int MemberCount { get; init; }

    /// <summary>How many of the room's messages are pinned.</summary>
    public int PinnedCount { get; init; }
}

/// <summary>A user's membership of a room, with the user's profile.</summary>
public sealed record RoomMember
{
    public Guid RoomId { get; init; }
    public Guid UserId { get; init; }
    public string UserName { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public RoomRole Role { get; init; }
    public PresenceStatus Status { get; init; }
    public DateTime? MutedUntil { get; init; }
    public DateTime JoinedAt { get; init; }
    public long DeliveredSeq { get; init; }
    public long ReadSeq { get; init; }
    public DateTime? ReadAt { get; init; }

    /// <summary>Moderators and room admins moderate the room: they may mute, kick, ban and delete others' messages.</summary>
    public bool Moderates => Role is RoomRole.Moderator or RoomRole.Admin;
}

/// <summary>
/// A user's state in a room, as the access checks and the send permission read it: the room's
/// rules, a ban, and the membership if there is one.
/// </summary>
public sealed record UserRoomState
{
    public Guid Id { get; init; }
    public bool IsPrivate { get; init; }
    public RoomSettings Settings { get; init; } = RoomSettings.Default;
    public long LastSeq { get; init; }
    public bool Banned { get; init; }
    public RoomMember? Member { get; init; }
}

/// <summary>A persisted message with its sender's display name.</summary>
public sealed record StoredMessage
{
    public Guid Id { get; init; }
    public Guid RoomId { get; init; }
    public long Seq { get; init; }
    public Guid SenderId { get; init; }
    public string SenderName { get; init; } = "";
    public Guid? ClientMessageId { get; init; }
    public MessageType Type { get; init; }
    public string Content { get; init; } = "";
    public Guid? ToUserId { get; init; }
    public Guid? ReplyToId { get; init; }
    public Guid? AttachmentId { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public DateTime SentAt { get; init; }
    public DateTime? EditedAt { get; init; }
    public bool Deleted { get; init; }

    /// <summary>Where a bot's reply stands; complete for every other message.</summary>
    public MessageStatus Status { get; init; } = MessageStatus.Complete;

    /// <summary>What a bot's reply holds, in order; null for other messages.</summary>
    public IReadOnlyList<MessagePartDto>? Parts { get; init; }

    /// <summary>The index of the last streamed part the stored reply holds.</summary>
    public int? StreamIndex { get; init; }

    /// <summary>Why a reply ended in error.</summary>
    public MessageErrorDto? Error { get; init; }

    /// <summary>When a moderator pinned the message; null when it is not pinned.</summary>
    public DateTime? PinnedAt { get; init; }

    /// <summary>Who pinned the message; null when it is not pinned.</summary>
    public Guid? PinnedBy { get; init; }

    /// <summary>How many users reacted with each emoji; empty when nobody did.</summary>
    public IReadOnlyDictionary<string, int> Reactions { get; init; } = ReadOnlyDictionary<string, int>.Empty;

    /// <summary>The root of the thread this message replies in; null for a message of the main list.</summary>
    public Guid? ThreadRootId { get; init; }

    /// <summary>A thread reply that shows in the room's main list too.</summary>
    public bool AlsoToRoom { get; init; }

    /// <summary>How many replies this message has as a thread root (deleted ones included).</summary>
    public int ReplyCount { get; init; }

    /// <summary>When the latest reply in this message's thread was sent.</summary>
    public DateTime? LastReplyAt { get; init; }

    /// <summary>The seq of the latest reply in this message's thread.</summary>
    public long? LastReplySeq { get; init; }

    /// <summary>Up to three distinct users who replied in this message's thread, the latest first.</summary>
    public Guid[]? LatestReplierIds { get; init; }

    /// <summary>The room members this message mentions; null when it mentions nobody.</summary>
    public Guid[]? Mentions { get; init; }

    /// <summary>An <c>@room</c> by a moderator: every member is mentioned.</summary>
    public bool MentionsRoom { get; init; }

    // The attachment's description, from a left join: null when the message has none.
    public string? AttachmentFileName { get; init; }
    public string? AttachmentContentType { get; init; }
    public long? AttachmentSize { get; init; }
}

/// <summary>
/// A message about to be stored; the room's next seq is assigned on insert. A
/// <see cref="Streaming"/> one is stored empty with status <c>streaming</c> and grows in place
/// (see ReplyRepository).
/// </summary>
public sealed record NewMessage(
    Guid Id,
    Guid RoomId,
    Guid SenderId,
    Guid? ClientMessageId,
    MessageType Type,
    string Content,
    Guid? ToUserId,
    Guid? ReplyToId,
    Guid? AttachmentId,
    IReadOnlyDictionary<string, string>? Metadata,
    DateTime SentAt,
    bool Streaming = false,
    Guid? ThreadRootId = null,
    bool AlsoToRoom = false,
    Guid[]? Mentions = null,
    bool MentionsRoom = false)
{
    /// <summary>Whether storing it takes more than the plain columns: a thread reply, or a message with mentions.</summary>
    public bool HasThreadOrMentions => ThreadRootId is not null || Mentions is not null || MentionsRoom;
}

/// <summary>The outcome of appending a message: the stored row, and whether it was already there.</summary>
public sealed record AppendResult(StoredMessage Message, bool Duplicate);

/// <summary>An uploaded file's description; its bytes are read separately, in chunks.</summary>
public sealed record StoredAttachment
{
    public Guid Id { get; init; }
    public Guid RoomId { get; init; }
    public Guid UploaderId { get; init; }
    public string FileName { get; init; } = "";
    public string ContentType { get; init; } = "";
    public long Size { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>What a join stored: the join message, or nothing; <c>FullAt</c> is the cap of a room that was full.</summary>
public readonly record struct JoinResult(StoredMessage? Message, int? FullAt = null);

/// <summary>A live message that shows a file: its sender, and its recipient when it is private.</summary>
public sealed record AttachmentUse
{
    public Guid SenderId { get; init; }
    public Guid? ToUserId { get; init; }
    public Guid? ClientMessageId { get; init; }
}

/// <summary>How storing an upload went.</summary>
public enum AttachmentStored
{
    Stored,

    /// <summary>The room was deleted meanwhile.</summary>
    RoomGone,

    /// <summary>The uploader's files would pass their storage quota.</summary>
    OverQuota,
}
