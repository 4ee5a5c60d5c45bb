using Chat.Contracts;

namespace Chat.Client;

/// <summary>
/// What a <see cref="ChatClient"/> has raised so far: the highest seq per room (where a
/// <c>Sync</c> resumes) and the ids of recent messages (what makes a repeat recognisable, whether
/// it comes from a stateful-reconnect replay or from a <c>Sync</c> overlapping live events).
/// Not thread-safe: the client calls it under its delivery lock.
/// </summary>
internal sealed class ReceivedMessages(int rememberedIds = 10_000)
{
    private readonly Dictionary<Guid, long> lastSeq = [];
    private readonly HashSet<Guid> ids = [];
    private readonly Queue<Guid> idsInArrivalOrder = new();

    // Seqs of this client's own acked messages that lie past something not received yet. The
    // room's last seq moves over them only once everything before them is in: moved at the ack,
    // it would skip messages of others still on their way, or dropped while the backplane was
    // away, and the next Sync would start past them.
    private readonly Dictionary<Guid, SortedSet<long>> sentAhead = [];

    public bool TracksAnyRoom => lastSeq.Count > 0;

    /// <summary>Starts (or keeps) following a room from <paramref name="seq"/> on.</summary>
    public void Track(Guid roomId, long seq)
    {
        lastSeq[roomId] = Math.Max(seq, lastSeq.GetValueOrDefault(roomId));
        MoveOverSent(roomId);
    }

    public void Forget(Guid roomId)
    {
        lastSeq.Remove(roomId);
        sentAhead.Remove(roomId);
    }

    /// <summary>
    /// This client's own message, acked: its connection hears no MessageReceived for it, so its
    /// seq is noted here, or the next message of the room would look like one after a gap.
    /// </summary>
    public void NoteSent(Guid roomId, long seq)
    {
        if (lastSeq.TryGetValue(roomId, out var last) && seq > last)
        {
            if (!sentAhead.TryGetValue(roomId, out var ahead))
            {
                sentAhead[roomId] = ahead = [];
            }

            ahead.Add(seq);
            MoveOverSent(roomId);
        }
    }

    /// <summary>True the first time a message is offered, false for any repeat of it.</summary>
    public bool Accept(MessageDto message)
    {
        if (!ids.Add(message.Id))
        {
            return false;
        }

        idsInArrivalOrder.Enqueue(message.Id);
        if (idsInArrivalOrder.Count > rememberedIds)
        {
            ids.Remove(idsInArrivalOrder.Dequeue());
        }

        Track(message.RoomId, message.Seq);
        return true;
    }

    /// <summary>
    /// True when <paramref name="message"/> is new and lands past the seq after the last one seen
    /// in its followed room: messages in between may be missing.
    /// </summary>
    public bool FollowsGap(MessageDto message) =>
        !ids.Contains(message.Id)
        && lastSeq.TryGetValue(message.RoomId, out var last)
        && message.Seq > last + 1;

    /// <summary>Asks for everything after the last seq seen in each followed room.</summary>
    public SyncRequest ToSyncRequest() =>
        new([.. lastSeq.Select(room => new SyncRoomRequest(room.Key.ToString(), room.Value))]);

    /// <summary>Moves the room's last seq over the client's own messages that now follow it without a gap.</summary>
    private void MoveOverSent(Guid roomId)
    {
        if (!sentAhead.TryGetValue(roomId, out var ahead))
        {
            return;
        }

        var last = lastSeq[roomId];
        while (ahead.Count > 0 && ahead.Min <= last + 1)
        {
            last = Math.Max(last, ahead.Min);
            ahead.Remove(ahead.Min);
        }

        lastSeq[roomId] = last;
        if (ahead.Count == 0)
        {
            sentAhead.Remove(roomId);
        }
    }
}
