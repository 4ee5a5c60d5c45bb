using Chat.Data;
using Chat.Hubs.Blocks;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Messages;

/// <summary>
/// What a send checks before its storing transaction when it names someone or something in the
/// room: the sender's own standing first, so that an outsider learns nothing about the room's
/// members or files from the errors that follow; then the recipient of a private message, who must
/// be a member and must not have blocked the sender. The storing transaction asks the policy again.
/// </summary>
internal static class SendPrechecks
{
    public static async Task EnsureAsync(
        MembershipRepository members,
        BlockService blocks,
        Caller sender,
        Guid roomId,
        SendPolicy policy,
        Guid? toUserId,
        bool namesRoomData,
        CancellationToken cancellationToken)
    {
        if (toUserId is not null || namesRoomData)
        {
            var state = await members.RoomStateAsync(roomId, sender.UserId, cancellationToken) ?? throw ChatException.NotFound("room");
            policy.EnsureAllowedExceptSlowMode(state);
        }

        if (toUserId is { } recipient && recipient != sender.UserId)
        {
            if (await members.FindAsync(roomId, recipient, cancellationToken) is null)
            {
                throw ChatException.NotFound("recipient");
            }

            await blocks.EnsureMayWriteToAsync(sender.UserId, recipient, cancellationToken);
        }
    }
}
