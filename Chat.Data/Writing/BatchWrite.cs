namespace Chat.Data.Writing;

/// <summary>
/// A batch being stored, and the rooms it numbers messages in. A batch is stored only after the
/// earlier batches still in flight that share a room with it: its lock on the room would wait for
/// their commits anyway, and waiting for them to finish also waits out one that is retried, so a
/// room's messages are numbered in the order they were queued, which is the order each connection
/// sent them.
/// </summary>
internal readonly record struct BatchWrite(Task Stored, HashSet<Guid> Rooms)
{
    public static HashSet<Guid> RoomsOf(List<PendingMessage> batch) => [.. batch.Select(pending => pending.Item.Message.RoomId)];

    /// <summary>
    /// The writes among <paramref name="writing"/> that share a room with <paramref name="rooms"/>,
    /// as one task to wait for; null when there are none.
    /// </summary>
    public static Task? OverlappingPredecessors(IEnumerable<BatchWrite> writing, HashSet<Guid> rooms)
    {
        var overlapping = writing.Where(earlier => earlier.Rooms.Overlaps(rooms)).Select(earlier => earlier.Stored).ToList();
        return overlapping switch
        {
            [] => null,
            [var one] => one,
            _ => Task.WhenAll(overlapping),
        };
    }
}
