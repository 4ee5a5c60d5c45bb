using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Bots;

/// <summary>
/// <c>StopReply</c>: the trigger's sender or a moderator+ stops a bot's reply in progress. The node
/// running it stops at once when it is this one, otherwise within its save interval, through the
/// request stored on the reply's row; either way the reply ends <c>cancelled</c> with its text so far.
/// </summary>
public sealed class ReplyStops(
    MessageRepository messages, ReplyRepository replies, RunningReplies running, RoomAccess access, BotDirectory directory)
{
    public async Task StopAsync(Caller caller, Guid roomId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        var reply = await messages.FindAsync(roomId, messageId, caller.UserId, cancellationToken);
        if (reply is null || directory.Find(reply.SenderId) is null || reply.ReplyToId is not { } triggerId)
        {
            throw ChatException.NotFound("reply");
        }

        if (reply.Status != MessageStatus.Streaming)
        {
            // Ended already: stopping it again changes nothing.
            return;
        }

        var trigger = await messages.FindAsync(roomId, triggerId, caller.UserId, cancellationToken);
        if (trigger?.SenderId != caller.UserId && !await access.ModeratesAsync(caller, roomId, cancellationToken))
        {
            throw ChatException.Forbidden("only the member who asked and the room's moderators may stop a reply");
        }

        await replies.RequestStopAsync(roomId, messageId, caller.UserId, cancellationToken);
        running.TryStop(messageId);
    }
}
