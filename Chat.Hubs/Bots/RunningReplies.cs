using System.Collections.Concurrent;

namespace Chat.Hubs.Bots;

/// <summary>
/// The replies this node is running, and how many each room has: the per-room and per-node caps,
/// and the handle through which a stop asked on this node reaches its run at once (one asked on
/// another node reaches it through the database within a save interval).
/// </summary>
public sealed class RunningReplies
{
    private readonly ConcurrentDictionary<Guid, ReplyHandle> byMessage = new();
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, int> perRoom = [];
    private int total;

    /// <summary>Takes a place for a reply in the room; false when the room or the node is at its cap.</summary>
    public bool TryEnter(Guid roomId, int roomCap, int nodeCap)
    {
        lock (gate)
        {
            var running = perRoom.GetValueOrDefault(roomId);
            if (running >= roomCap || total >= nodeCap)
            {
                return false;
            }

            perRoom[roomId] = running + 1;
            total++;
            return true;
        }
    }

    /// <summary>Gives back a place taken with <see cref="TryEnter"/>.</summary>
    public void Leave(Guid roomId)
    {
        lock (gate)
        {
            total--;
            if (perRoom.TryGetValue(roomId, out var running) && running > 1)
            {
                perRoom[roomId] = running - 1;
            }
            else
            {
                perRoom.Remove(roomId);
            }
        }
    }

    public void Track(Guid messageId, ReplyHandle run) => byMessage[messageId] = run;

    public void Forget(Guid messageId) => byMessage.TryRemove(messageId, out _);

    /// <summary>Stops the reply at once when this node runs it; false otherwise.</summary>
    public bool TryStop(Guid messageId)
    {
        if (!byMessage.TryGetValue(messageId, out var run))
        {
            return false;
        }

        run.Stop();
        return true;
    }
}

/// <summary>A running reply's cancellation, and whether it was cancelled by a stop rather than its time running out.</summary>
public sealed class ReplyHandle(CancellationTokenSource run)
{
    private int stopped;

    /// <summary>True once <see cref="Stop"/> was called.</summary>
    public bool Stopped => Volatile.Read(ref stopped) == 1;

    public void Stop()
    {
        Volatile.Write(ref stopped, 1);
        try
        {
            run.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended meanwhile.
        }
    }
}
