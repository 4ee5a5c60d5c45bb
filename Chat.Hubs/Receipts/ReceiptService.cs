using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Receipts;

/// <summary>Delivery and read receipts: members move their own pointers forward and see everyone's.</summary>
public sealed class ReceiptService(
    RoomAccess access,
    MembershipRepository members,
    ReceiptBuffer buffer,
    RoomBroadcaster broadcaster,
    TimeProvider clock)
{
    /// <summary>The caller has received the room's messages up to <paramref name="seq"/>.</summary>
    public Task MarkDeliveredAsync(Caller caller, Guid roomId, long seq, CancellationToken cancellationToken = default) =>
        MarkAsync(caller.UserId, roomId, seq, read: false, cancellationToken);

    /// <summary>The caller has read the room's messages up to <paramref name="seq"/> (and so received them).</summary>
    public Task MarkReadAsync(Caller caller, Guid roomId, long seq, CancellationToken cancellationToken = default) =>
        MarkAsync(caller.UserId, roomId, seq, read: true, cancellationToken);

    /// <summary>
    /// A page of the members' receipts (see <see cref="MemberPages"/>), with the pointers not yet
    /// written merged in; for members only.
    /// </summary>
    /// <remarks>An array, not a list interface: MessagePack serializes a hub result by its runtime type.</remarks>
    public async Task<ReceiptDto[]> ListAsync(
        Caller caller, Guid roomId, Guid? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var size = MemberPages.Size(limit);
        var state = await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        if (state.Member is null)
        {
            throw ChatException.Forbidden("only members see the room's receipts");
        }

        var list = await members.ListAsync(roomId, after, size, cancellationToken);
        return [.. list.Select(buffer.Current)];
    }

    /// <summary>The member's own receipt, pending pointers included.</summary>
    public ReceiptDto Of(RoomMember member) => buffer.Current(member);

    /// <summary>Writes the user's pending pointers, for answers computed in the database (unread counts).</summary>
    public Task FlushUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        buffer.FlushUserAsync(userId, cancellationToken);

    private async Task MarkAsync(Guid userId, Guid roomId, long seq, bool read, CancellationToken cancellationToken)
    {
        if (seq < 0)
        {
            throw ChatException.Invalid("seq must not be negative");
        }

        var (state, member) = await access.RequireMemberAsync(userId, roomId, cancellationToken);

        // A seq past the room's last one is clamped rather than refused: a client's view can only
        // be behind the room, so a larger number is a client bug, and refusing it would lose the
        // part of the mark that is true. Clamping also keeps a pointer from running ahead of
        // messages not sent yet, which would hide them from the unread count.
        var upTo = Math.Min(seq, state.LastSeq);
        var receipt = buffer.MoveForward(member, upTo, read ? upTo : 0, clock.UtcNowAsStored());
        if (receipt is not null)
        {
            await broadcaster.ReceiptMovedAsync(receipt);
        }
    }
}
