namespace Chat.Data.Writing;

/// <summary>
/// A batch being stored, and the rooms it numbers messages in. A batch is stored only after the
/// batches before it that share a room with it: its lock on the room would wait for their commits
/// anyway, and waiting for them to finish also waits out one that is retried, so a room's messages
/// are numbered in the order they were queued, which is the order each connection sent them.
/// </summary>
internal readonly record struct BatchWrite(Task Stored, HashSet<Guid> Rooms)
{
    public static HashSet<Guid> RoomsOf(List<PendingMessage> batch) => [.. batch.Select(pending => pending.Item.Message.RoomId)];

    /// <summary>What a batch of <paramref name="rooms"/> must wait for among <paramref name="writing"/>; null for nothing.</summary>
    public static Task? Ahead(IEnumerable<BatchWrite> writing, HashSet<Guid> rooms)
    {
        var ahead = writing.Where(earlier => earlier.Rooms.Overlaps(rooms)).Select(earlier => earlier.Stored).ToList();
        return ahead switch
        {
            [] => null,
            [var one] => one,
            _ => Task.WhenAll(ahead),
        };
    }
}
