using Chat.Contracts;
using Chat.Data;
using Chat.Data.Writing;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Messages;

/// <summary>
/// May this sender post this message in the room: a member, not banned, not muted, allowed the
/// message's type, and (once) within the room's slow mode. The writer checks it inside the
/// transaction that stores the message; sends that need more checks run it beforehand as well.
/// </summary>
internal sealed class SendPolicy(Caller sender, MessageType type, TimeProvider clock, SendRateLimiter rateLimiter) : ISendPermission
{
    // Checked once more after a refused batch is retried message by message: the slow-mode slot
    // taken the first time is this message's own and must not refuse it the second time.
    private bool slowModeTaken;

    public void EnsureAllowed(UserRoomState state)
    {
        var member = EnsureAllowedExceptSlowMode(state);
        if (!slowModeTaken)
        {
            rateLimiter.EnterSlowMode(sender.UserId, sender.Role, member, state.Settings);
            slowModeTaken = true;
        }
    }

    /// <summary>Everything but slow mode, which only the storing transaction counts; returns the membership.</summary>
    public RoomMember EnsureAllowedExceptSlowMode(UserRoomState state)
    {
        var member = RoomAccess.RequireMember(state);
        RoomAccess.RequireNotMuted(member, clock.GetUtcNow().UtcDateTime);

        if (type == MessageType.System
            && sender.Role is not (GlobalRole.Service or GlobalRole.Admin)
            && member.Role != RoomRole.Admin)
        {
            throw ChatException.Forbidden("only room admins and services may send system messages");
        }

        if (type != MessageType.Text && RoomAccess.IsGuest(sender, member))
        {
            throw ChatException.Forbidden("guests may send text only");
        }

        return member;
    }
}
