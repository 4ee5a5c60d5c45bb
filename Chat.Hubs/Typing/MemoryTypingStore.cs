namespace Chat.Hubs.Typing;

/// <summary>
/// The typing entries of a single node, in memory. A priority queue ordered by expiry finds the
/// due entries, so an expiry pass looks at those and nothing else.
/// </summary>
public sealed class MemoryTypingStore : ITypingStore
{
    // One lock for everything: each operation is a few dictionary and heap steps, far shorter
    // than the hub call around it.
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, Dictionary<Guid, Typist>> rooms = [];

    // Lazy invalidation: an entry is queued once, when its user starts typing. Extending only moves
    // ExpiresAt; when the queued time comes, an extended entry is queued again at its new expiry,
    // and an entry that was stopped (no longer the one in its room) is dropped. So the queue holds
    // one live item per typist plus, for at most one lifetime, the stopped ones.
    private readonly PriorityQueue<Typist, DateTimeOffset> due = new();

    /// <summary>How many queued items the last expiry pass took out: the cost of that pass.</summary>
    internal int VisitedLastPass { get; private set; }

    /// <summary>How many users type in all rooms together, due or not.</summary>
    internal int Count
    {
        get
        {
            lock (gate)
            {
                return rooms.Values.Sum(typists => typists.Count);
            }
        }
    }

    public Task<Guid[]?> StartAsync(Guid roomId, Guid userId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var typists))
            {
                rooms[roomId] = typists = [];
            }

            if (typists.TryGetValue(userId, out var typist))
            {
                typist.ExpiresAt = expiresAt;
                return Task.FromResult<Guid[]?>(null);
            }

            typist = new Typist(roomId, userId) { ExpiresAt = expiresAt };
            typists[userId] = typist;
            due.Enqueue(typist, expiresAt);
            return Task.FromResult<Guid[]?>(Current(typists, now));
        }
    }

    public Task<Guid[]?> StopAsync(Guid roomId, Guid userId, DateTimeOffset now)
    {
        lock (gate)
        {
            if (!rooms.TryGetValue(roomId, out var typists) || !typists.Remove(userId))
            {
                return Task.FromResult<Guid[]?>(null);
            }

            var left = Current(typists, now);
            Forget(roomId, typists);
            return Task.FromResult<Guid[]?>(left);
        }
    }

    public Task<Guid[]> TypistsAsync(Guid roomId, DateTimeOffset now)
    {
        lock (gate)
        {
            return Task.FromResult(rooms.TryGetValue(roomId, out var typists) ? Current(typists, now) : []);
        }
    }

    public Task<IReadOnlyList<TypingChange>> ExpireDueAsync(DateTimeOffset now, int max)
    {
        lock (gate)
        {
            var changes = new List<TypingChange>();
            var visited = 0;
            while (changes.Count < max && due.TryPeek(out var typist, out var queuedAt) && queuedAt <= now)
            {
                due.Dequeue();
                visited++;
                if (!rooms.TryGetValue(typist.RoomId, out var typists)
                    || !typists.TryGetValue(typist.UserId, out var current)
                    || current != typist)
                {
                    continue;
                }

                if (typist.ExpiresAt > now)
                {
                    due.Enqueue(typist, typist.ExpiresAt);
                    continue;
                }

                typists.Remove(typist.UserId);
                changes.Add(new TypingChange(typist.RoomId, typist.UserId, Current(typists, now)));
                Forget(typist.RoomId, typists);
            }

            VisitedLastPass = visited;
            return Task.FromResult<IReadOnlyList<TypingChange>>(changes);
        }
    }

    private static Guid[] Current(Dictionary<Guid, Typist> typists, DateTimeOffset now) =>
        [.. typists.Values.Where(t => t.ExpiresAt > now).OrderBy(t => t.ExpiresAt).ThenBy(t => t.UserId).Select(t => t.UserId)];

    private void Forget(Guid roomId, Dictionary<Guid, Typist> typists)
    {
        if (typists.Count == 0)
        {
            rooms.Remove(roomId);
        }
    }

    /// <summary>One user typing in one room; compared by reference, so a restarted entry is a new one.</summary>
    private sealed class Typist(Guid roomId, Guid userId)
    {
        public Guid RoomId { get; } = roomId;

        public Guid UserId { get; } = userId;

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
