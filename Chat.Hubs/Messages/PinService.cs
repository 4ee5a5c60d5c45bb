using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Messages;

/// <summary>Pinning messages (moderators and admins) and listing a room's pins (members).</summary>
/// <remarks>
/// A pin belongs to its message: deleting the message unpins it (see <see cref="MessageEditService"/>),
/// and retention deleting it takes the pin along.
/// </remarks>
public sealed class PinService(
    PinRepository pins,
    MessageRepository messages,
    RoomAccess access,
    RoomBroadcaster broadcaster,
    TimeProvider clock)
{
    /// <summary>The most pins a room holds.</summary>
    public const int MaxPinsPerRoom = 50;

    /// <summary>
    /// Pins a message of the room; the room hears <c>MessagePinned</c>. Pinning a pinned message
    /// changes nothing and tells no one: the answer is the pin as it stands.
    /// </summary>
    public async Task<PinDto> PinAsync(Caller caller, Guid roomId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await access.RequireModeratorAsync(caller, roomId, cancellationToken);
        var message = await messages.FindAsync(roomId, messageId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("message");
        RequirePinnable(message);

        var (outcome, pinned) = await pins.PinAsync(roomId, messageId, caller.UserId, clock.UtcNowAsStored(), MaxPinsPerRoom, cancellationToken);
        switch (outcome)
        {
            case PinOutcome.Pinned:
                var pin = ToPin(pinned!);
                await broadcaster.MessagePinnedAsync(pin, pinned!.SenderId);
                return pin;
            case PinOutcome.AlreadyPinned:
                return ToPin(pinned!);
            case PinOutcome.Full:
                throw new ChatException(ErrorCodes.Limit, $"a room holds at most {MaxPinsPerRoom} pins");
            default:
                // Deleted between the look-up and the pin.
                throw ChatException.Invalid("deleted messages cannot be pinned");
        }
    }

    /// <summary>
    /// Takes a message's pin away; the room hears <c>MessageUnpinned</c>. Unpinning a message that
    /// is not pinned changes nothing and tells no one.
    /// </summary>
    public async Task UnpinAsync(Caller caller, Guid roomId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await access.RequireModeratorAsync(caller, roomId, cancellationToken);
        var message = await messages.FindAsync(roomId, messageId, caller.UserId, cancellationToken) ?? throw ChatException.NotFound("message");
        if (await pins.UnpinAsync(roomId, messageId, caller.UserId, cancellationToken))
        {
            await broadcaster.MessageUnpinnedAsync(new MessageUnpinnedEvent(roomId, messageId, caller.UserId), message.SenderId);
        }
    }

    /// <summary>The room's pins, the latest first, without the messages of users the caller blocked (members only).</summary>
    public async Task<PinDto[]> ListAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var state = await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        if (state.Member is null)
        {
            throw ChatException.Forbidden("only members may list a room's pins");
        }

        var pinned = await pins.ListAsync(roomId, caller.UserId, cancellationToken);
        return [.. pinned.Select(ToPin)];
    }

    private static void RequirePinnable(StoredMessage message)
    {
        if (message.ToUserId is not null)
        {
            throw ChatException.Invalid("private messages cannot be pinned");
        }

        if (message.Deleted)
        {
            throw ChatException.Invalid("deleted messages cannot be pinned");
        }
    }

    private static PinDto ToPin(StoredMessage message) =>
        new(message.RoomId, message.ToDto(), message.PinnedBy!.Value, message.PinnedAt!.Value);
}
