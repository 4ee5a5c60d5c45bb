using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Mentions;
using Chat.Hubs.Rooms;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Messages;

/// <summary>Editing and deleting stored messages.</summary>
/// <remarks>
/// A deleted message keeps its seq and stays in history, empty and marked deleted. Editing it is
/// <c>gone</c> rather than <c>not_found</c>: the client can still see it in history, and the
/// code tells it the words are not coming back.
/// </remarks>
public sealed class MessageEditService(
    MessageRepository messages,
    RoomAccess access,
    RoomBroadcaster broadcaster,
    MentionService mentions,
    IOptions<ChatOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// Replaces the content of the caller's own text or system message (same rules as sending)
    /// and tells whoever may see it with <c>MessageUpdated</c>.
    /// </summary>
    public async Task<MessageDto> EditAsync(
        Caller caller, Guid roomId, Guid messageId, string? content, CancellationToken cancellationToken = default)
    {
        var text = content?.Trim() ?? "";
        var maxLength = options.Value.MaxContentLength;
        if (text.Length == 0)
        {
            throw ChatException.Invalid("content must not be empty");
        }

        if (text.Length > maxLength)
        {
            throw ChatException.Invalid($"content must be at most {maxLength} characters");
        }

        TextRules.EnsureContent(text, "content");

        // A muted member cannot turn earlier messages into what they may not send now.
        await access.RequireUnmutedMemberAsync(caller.UserId, roomId, cancellationToken);
        var message = await messages.FindAsync(roomId, messageId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("message");
        if (message.SenderId != caller.UserId)
        {
            throw ChatException.Forbidden("only the sender may edit a message");
        }

        if (message.Type is not (MessageType.Text or MessageType.System))
        {
            throw ChatException.Forbidden("only text and system messages can be edited");
        }

        // The update itself skips deleted rows, so a delete that wins a race with this edit is gone too.
        // The new words are read for mentions anew: added ones count, removed ones no longer do.
        var mentioned = message.Deleted
            ? ResolvedMentions.None
            : await mentions.ResolveAsync(caller, roomId, message.ToUserId, message.Type, text, cancellationToken);
        var edited = message.Deleted
            ? null
            : await messages.EditAsync(roomId, messageId, text, clock.UtcNowAsStored(), mentioned.Users, mentioned.Room, cancellationToken);
        if (edited is null)
        {
            throw new ChatException(ErrorCodes.Gone, "the message was deleted");
        }

        var dto = edited.ToDto();
        await broadcaster.MessageEditedAsync(dto);
        return dto;
    }

    /// <summary>
    /// Deletes a message: the sender's own, or any message for a room moderator or admin and a
    /// global admin. Whoever may see it hears <c>MessageDeleted</c>, once: deleting again changes
    /// nothing and tells no one. A pinned message loses its pin: the room also hears
    /// <c>MessageUnpinned</c>, by the deleter.
    /// </summary>
    /// <remarks>
    /// Join and leave messages record membership, so their "senders" may not delete them;
    /// moderators may, to tidy a room.
    /// </remarks>
    public async Task DeleteAsync(
        Caller caller, Guid roomId, Guid messageId, CancellationToken cancellationToken = default)
    {
        var moderates = await access.ModeratesAsync(caller, roomId, cancellationToken);
        var message = await messages.FindAsync(roomId, messageId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("message");
        var own = message.SenderId == caller.UserId && message.Type is not (MessageType.Join or MessageType.Leave);
        if (!own && !moderates)
        {
            throw ChatException.Forbidden(message.SenderId == caller.UserId
                ? "join and leave messages can be deleted by moderators only"
                : "only the sender or a moderator may delete a message");
        }

        if (message.Deleted)
        {
            return;
        }

        var deletion = await messages.DeleteAsync(roomId, messageId, caller.UserId, cancellationToken);
        if (!deletion.Deleted)
        {
            return;
        }

        await broadcaster.MessageDeletedAsync(message, caller.UserId);
        if (deletion.Unpinned)
        {
            await broadcaster.MessageUnpinnedAsync(new MessageUnpinnedEvent(roomId, messageId, caller.UserId), message.SenderId);
        }
    }
}
