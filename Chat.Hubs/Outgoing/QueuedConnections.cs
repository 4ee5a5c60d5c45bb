using System.Collections.Concurrent;

namespace Chat.Hubs.Outgoing;

/// <summary>This node's connections as the lifetime manager holds them, for the checks of their time bound.</summary>
internal sealed class QueuedConnections
{
    private readonly ConcurrentDictionary<string, QueuedConnection> byId = new(StringComparer.Ordinal);

    public int Count => byId.Count;

    public void Add(QueuedConnection connection) => byId[connection.ConnectionId] = connection;

    /// <summary>Forgets a closed connection and drops what waited for it; null when it was never added.</summary>
    public QueuedConnection? Remove(string connectionId)
    {
        if (!byId.TryRemove(connectionId, out var connection))
        {
            return null;
        }

        connection.Closed();
        return connection;
    }

    /// <summary>Checks every connection's write under way against its time bound.</summary>
    public void CheckAll()
    {
        foreach (var (_, connection) in byId)
        {
            try
            {
                connection.Check();
            }
            catch (ObjectDisposedException)
            {
                // Closed under the check; its removal follows.
            }
        }
    }
}
