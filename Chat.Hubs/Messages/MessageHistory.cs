using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Messages;

/// <summary>Reading stored messages: a page of history, and what a client missed while away (Sync).</summary>
public sealed class MessageHistory(MessageRepository messages, RoomAccess access, IOptions<ChatOptions> options)
{
    private const int MaxSyncRooms = 100;

    /// <summary>
    /// A page of the room's main list (thread replies only where sent also to the room), oldest
    /// first, of what the caller may see: at most <paramref name="limit"/>
    /// messages and about <see cref="ChatOptions.MaxAnswerBytes"/>. A page before a seq keeps its
    /// newest messages, a page after one its oldest, so the next page goes on from where it ends.
    /// </summary>
    /// <remarks>An array, not a list interface: MessagePack serializes a hub result by its runtime type.</remarks>
    public async Task<MessageDto[]> HistoryAsync(
        Caller caller, Guid roomId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1 || limit > options.Value.MaxPageSize)
        {
            throw ChatException.Invalid($"limit must be between 1 and {options.Value.MaxPageSize}");
        }

        if (beforeSeq < 1 || afterSeq < 0)
        {
            throw ChatException.Invalid("beforeSeq must be positive and afterSeq not negative");
        }

        await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        var page = await messages.ListAsync(roomId, caller.UserId, beforeSeq, afterSeq, limit, mainList: true, cancellationToken);
        var budget = new AnswerBudget(options.Value.MaxAnswerBytes);
        if (afterSeq is not null)
        {
            return [.. budget.TakeWithin(page)];
        }

        var newestFirst = budget.TakeWithin(page.Reverse());
        newestFirst.Reverse();
        return [.. newestFirst];
    }

    /// <summary>
    /// What the caller missed in each room after the seq it last saw, in seq order; all rooms
    /// together about <see cref="ChatOptions.MaxAnswerBytes"/>, <c>hasMore</c> where a room has more.
    /// </summary>
    public async Task<SyncResult> SyncAsync(Caller caller, SyncRequest request, CancellationToken cancellationToken = default)
    {
        var rooms = request.Rooms ?? throw ChatException.Invalid("rooms is required");
        if (rooms.Count > MaxSyncRooms)
        {
            throw ChatException.Invalid($"at most {MaxSyncRooms} rooms per sync");
        }

        var pageSize = options.Value.MaxPageSize;
        var budget = new AnswerBudget(options.Value.MaxAnswerBytes);
        var results = new List<SyncRoomResult>(rooms.Count);
        foreach (var room in rooms)
        {
            var roomId = WireIds.Parse(room?.RoomId, "roomId");
            if (room!.AfterSeq < 0)
            {
                throw ChatException.Invalid("afterSeq must not be negative");
            }

            await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
            // One extra row tells whether more remain without counting them.
            // Thread replies too: they take the room's seqs, and clients route them by threadRootId.
            var page = await messages.ListAsync(roomId, caller.UserId, beforeSeq: null, room.AfterSeq, pageSize + 1, mainList: false, cancellationToken);
            var taken = budget.TakeWithin(page.Take(pageSize));
            results.Add(new SyncRoomResult(roomId, [.. taken], HasMore: page.Count > taken.Count));
        }

        return new SyncResult(results);
    }
}
