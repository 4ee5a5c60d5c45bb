namespace Chat.Data.Writing;

/// <summary>
/// A batch being stored, and the rooms it numbers messages in. A batch is stored only after the
/// batches before it that share a room with it: its lock on the room would wait for their commits
/// anyway, and waiting for them to finish also waits out one that is retried, so a room's messages
/// are numbered in the order they were queued, which is the order each connection sent them.
/// </summary>
internal readonly record struct BatchWrite(Task Stored, HashSet<Guid> Rooms)
{
    /// <summary>Starts <paramref name="write"/> for <paramref name="batch"/>, to go after those of <paramref name="writing"/> it shares a room with.</summary>
    public static BatchWrite After(
        IReadOnlyList<BatchWrite> writing, List<PendingMessage> batch, Func<List<PendingMessage>, Task?, Task> write)
    {
        var rooms = new HashSet<Guid>();
        foreach (var pending in batch)
        {
            rooms.Add(pending.Item.Message.RoomId);
        }

        List<Task>? ahead = null;
        foreach (var earlier in writing)
        {
            if (earlier.Rooms.Overlaps(rooms))
            {
                (ahead ??= []).Add(earlier.Stored);
            }
        }

        var after = ahead switch
        {
            null => null,
            [var one] => one,
            _ => Task.WhenAll(ahead),
        };
        return new BatchWrite(write(batch, after), rooms);
    }
}
