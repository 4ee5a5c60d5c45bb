namespace Chat.Hubs.Connections;

/// <summary>
/// The connections of each user on this node. SignalR cannot list a user's connections, and a
/// REST join must move every one of them into the room's group.
/// </summary>
public sealed class UserConnections
{
    // One lock for the whole map: connects and disconnects are rare next to messages, and a single
    // lock keeps "first connection" and "last connection" exact without subtle races.
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, HashSet<string>> byUser = [];

    /// <summary>Records a connection; true when it is the user's first on this node.</summary>
    public bool Add(Guid userId, string connectionId)
    {
        lock (gate)
        {
            if (!byUser.TryGetValue(userId, out var set))
            {
                byUser[userId] = set = [];
            }

            set.Add(connectionId);
            return set.Count == 1;
        }
    }

    /// <summary>Forgets a connection; true when the user has no connection left on this node.</summary>
    public bool Remove(Guid userId, string connectionId)
    {
        lock (gate)
        {
            if (!byUser.TryGetValue(userId, out var set))
            {
                return true;
            }

            set.Remove(connectionId);
            if (set.Count > 0)
            {
                return false;
            }

            byUser.Remove(userId);
            return true;
        }
    }

    /// <summary>How many connections the user has on this node.</summary>
    public int Count(Guid userId)
    {
        lock (gate)
        {
            return byUser.TryGetValue(userId, out var set) ? set.Count : 0;
        }
    }

    /// <summary>A copy of every user's connection ids on this node.</summary>
    public IReadOnlyDictionary<Guid, string[]> Snapshot()
    {
        lock (gate)
        {
            return byUser.ToDictionary(u => u.Key, u => u.Value.ToArray());
        }
    }

    /// <summary>A copy of the user's connection ids on this node.</summary>
    public IReadOnlyList<string> Of(Guid userId)
    {
        lock (gate)
        {
            return byUser.TryGetValue(userId, out var set) ? [.. set] : [];
        }
    }
}
