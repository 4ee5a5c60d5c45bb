using Chat.Contracts;
using Chat.Data;

namespace Chat.Hubs;

/// <summary>Turns stored records into the wire DTOs of the contract.</summary>
public static class ChatDtos
{
    public static UserDto ToDto(this ChatUser user) =>
        new(user.Id, user.UserName, user.DisplayName, user.AvatarUrl, user.Role, user.Status, user.LastSeenAt);

    public static RoomDto ToDto(this Room room, int? unreadCount = null, MessageDto? lastMessage = null, int? unreadMentionCount = null) =>
        new(room.Id, room.Name, room.Topic, room.IsPrivate, room.CreatedAt, room.Settings, room.MemberCount, unreadCount, lastMessage, unreadMentionCount,
            PinnedCount: room.PinnedCount);

    public static MemberDto ToDto(this RoomMember member) =>
        new(member.RoomId, member.UserId, member.UserName, member.DisplayName, member.Role, member.Status, member.MutedUntil, member.JoinedAt);

    public static ReceiptDto ToReceipt(this RoomMember member) =>
        new(member.RoomId, member.UserId, member.DeliveredSeq, member.ReadSeq, member.ReadAt);

    public static MessageDto ToDto(this StoredMessage message) =>
        new(
            message.Id,
            message.RoomId,
            message.Seq,
            message.SenderId,
            message.SenderName,
            message.Type,
            // A deleted message keeps its place (seq) but not its words.
            message.Deleted ? "" : message.Content,
            message.ToUserId,
            message.ReplyToId,
            AttachmentOf(message),
            message.Metadata,
            message.Reactions,
            message.SentAt,
            message.EditedAt,
            message.Deleted,
            message.Status,
            message.Deleted ? null : message.Parts,
            message.StreamIndex,
            message.Error,
            message.ThreadRootId,
            message.AlsoToRoom,
            ThreadOf(message),
            // Mentions go with the words.
            message.Deleted ? null : message.Mentions,
            !message.Deleted && message.MentionsRoom,
            Pinned: message.PinnedAt is not null);

    public static MessageAck ToAck(this AppendResult result) =>
        new(result.Message.Id, result.Message.RoomId, result.Message.Seq, result.Message.SentAt, result.Duplicate);

    public static AttachmentDto ToDto(this StoredAttachment attachment) =>
        new(attachment.Id, attachment.FileName, attachment.ContentType, attachment.Size, AttachmentUrl(attachment.Id));

    /// <summary>Where a member downloads an attachment; relative, so it holds behind any host name.</summary>
    public static string AttachmentUrl(Guid attachmentId) => $"/api/attachments/{attachmentId}";

    // A root shows its thread once it has a reply; a deleted root too, as its replies stay.
    private static ThreadSummaryDto? ThreadOf(StoredMessage message) =>
        message.ReplyCount > 0
            ? new ThreadSummaryDto(message.ReplyCount, message.LastReplyAt ?? message.SentAt, message.LatestReplierIds ?? [], message.LastReplySeq ?? 0)
            : null;

    // A deleted message keeps no attachment, as it keeps no words.
    private static AttachmentDto? AttachmentOf(StoredMessage message) =>
        message is { Deleted: false, AttachmentId: { } id, AttachmentFileName: { } name, AttachmentContentType: { } type, AttachmentSize: { } size }
            ? new AttachmentDto(id, name, type, size, AttachmentUrl(id))
            : null;
}
