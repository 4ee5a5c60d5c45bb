using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Attachments;

/// <summary>A file a member may download: its description, how to show it, and its bytes on demand.</summary>
public sealed record AttachmentDownload(StoredAttachment Attachment, bool Inline, Func<Stream, CancellationToken, Task> WriteContentAsync);

/// <summary>Uploading and downloading files, and the rules for messages that refer to one.</summary>
public sealed class AttachmentService(
    AttachmentRepository attachments,
    RoomAccess access,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    ILogger<AttachmentService> logger)
{
    /// <summary>
    /// Stores a file for a room. The caller must be a member, not a guest, of a room that allows
    /// files, with room left in their storage quota; all of that is checked before
    /// <paramref name="readFile"/> reads the body, so a refused upload costs no transfer. The
    /// content type is sniffed from the bytes and the file name cleaned.
    /// </summary>
    public async Task<AttachmentDto> UploadAsync(
        Caller caller, Guid roomId, Func<CancellationToken, Task<IFormFile?>> readFile, CancellationToken cancellationToken = default)
    {
        var userId = caller.UserId;
        var (state, member) = await access.RequireMemberAsync(userId, roomId, cancellationToken);
        if (RoomAccess.IsGuest(caller, member))
        {
            throw ChatException.Forbidden("guests cannot share files");
        }

        if (!state.Settings.FileSharingAllowed)
        {
            throw ChatException.Forbidden("this room does not allow file sharing");
        }

        var quota = options.Value.MaxStoredBytesPerUser;
        if (await attachments.StoredBytesAsync(userId, cancellationToken) >= quota)
        {
            throw OverQuota(quota);
        }

        var file = await readFile(cancellationToken);
        if (file is null)
        {
            throw InvalidFile("a file is required in the multipart field 'file'");
        }

        if (file.Length == 0)
        {
            throw InvalidFile("the file is empty");
        }

        var maxBytes = options.Value.MaxAttachmentBytes;
        if (file.Length > maxBytes)
        {
            throw new ChatException(ErrorCodes.TooLarge, $"a file may be at most {maxBytes} bytes");
        }

        await using var content = file.OpenReadStream();
        var contentType = await ContentSniffer.SniffAsync(content, file.Length, cancellationToken);
        // The form reader keeps an upload in memory or in a temporary file: its stream can rewind.
        content.Position = 0;
        var attachment = new StoredAttachment
        {
            Id = Guid.CreateVersion7(),
            RoomId = roomId,
            UploaderId = userId,
            FileName = AttachmentFileName.Clean(file.FileName),
            ContentType = contentType,
            Size = file.Length,
            CreatedAt = clock.UtcNowAsStored(),
        };
        switch (await attachments.CreateAsync(attachment, content, quota, cancellationToken))
        {
            case AttachmentStored.RoomGone:
                throw ChatException.NotFound("room");
            case AttachmentStored.OverQuota:
                throw OverQuota(quota);
        }

        logger.LogInformation(
            "User {UserId} uploaded attachment {AttachmentId} to {RoomId}: {ContentType}, {Size} bytes",
            userId, attachment.Id, roomId, contentType, attachment.Size);
        return attachment.ToDto();
    }

    /// <summary>
    /// A file for a member of its room. Like the room itself: outsiders of a private room get
    /// <c>not_found</c>; outsiders of a public room get <c>forbidden</c> (joining is open to them,
    /// and files are for the people who are in the conversation). A file that only private
    /// messages show is for their senders and recipients: <c>not_found</c> to other members.
    /// </summary>
    public async Task<AttachmentDownload> OpenAsync(Caller caller, Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var userId = caller.UserId;
        var attachment = await attachments.FindAsync(attachmentId, cancellationToken) ?? throw ChatException.NotFound("attachment");
        UserRoomState state;
        try
        {
            state = await access.RequireReadableAsync(userId, attachment.RoomId, cancellationToken);
        }
        catch (ChatException e) when (e.Code == ErrorCodes.NotFound)
        {
            // Said of the attachment, not the room: an outsider learns nothing from a guessed id.
            throw ChatException.NotFound("attachment");
        }

        if (state.Member is null)
        {
            throw ChatException.Forbidden("only members of the room may download its files: join it first");
        }

        // A file that only private messages show is theirs: other members, who cannot see those
        // messages, cannot learn that it exists either.
        var uses = await attachments.UsesAsync(attachment.Id, cancellationToken);
        if (uses.Count > 0 && uses.All(use => use.ToUserId is not null) && !uses.Any(use => use.SenderId == userId || use.ToUserId == userId))
        {
            throw ChatException.NotFound("attachment");
        }

        return new AttachmentDownload(
            attachment,
            ContentSniffer.IsImage(attachment.ContentType),
            (destination, token) => attachments.CopyContentAsync(attachment.Id, attachment.Size, destination, token));
    }

    /// <summary>
    /// Refuses a message that names an attachment it may not carry: the file must exist in the
    /// same room, be the sender's own upload and belong to no other message (a resend of the same
    /// message may name it again), and an image message needs an image.
    /// </summary>
    /// <remarks>
    /// A file belongs to the one message that carries it, so who may download it follows from
    /// that message alone: a file sent privately cannot be shown to the room by posting it again.
    /// </remarks>
    public async Task EnsureAttachableAsync(
        Guid senderId, Guid roomId, Guid attachmentId, MessageType type, Guid clientMessageId, CancellationToken cancellationToken = default)
    {
        if (type is not (MessageType.Image or MessageType.File))
        {
            throw ChatException.Invalid("only image and file messages carry an attachment");
        }

        var attachment = await attachments.FindAsync(attachmentId, cancellationToken);

        // Someone else's file, or one from another room, is reported as missing: re-posting it
        // would hand it to people its uploader never shared it with.
        if (attachment is null || attachment.RoomId != roomId || attachment.UploaderId != senderId)
        {
            throw ChatException.NotFound("attachment");
        }

        if (type == MessageType.Image && !ContentSniffer.IsImage(attachment.ContentType))
        {
            throw ChatException.Invalid("an image message needs a PNG, JPEG, GIF or WebP attachment");
        }

        var uses = await attachments.UsesAsync(attachmentId, cancellationToken);
        if (uses.Any(use => use.ClientMessageId != clientMessageId))
        {
            throw new ChatException(ErrorCodes.Conflict, "this file belongs to another message: upload it again to send it again");
        }
    }

    private static ChatException OverQuota(long quota) =>
        new(ErrorCodes.Limit, $"your files may hold at most {quota} bytes in all: delete messages with files to make room");

    private static ChatException InvalidFile(string why) => ChatException.Invalid("file", why);
}
