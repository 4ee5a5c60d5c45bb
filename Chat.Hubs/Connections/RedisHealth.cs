using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// Whether Redis is taken to be away. A command that finds no connection marks it away at once;
/// timeouts do when two come within <see cref="TimeoutWindow"/> (one alone is a busy moment, not
/// an outage). From then on the node stops asking Redis what it can answer without it (every call
/// would wait out its timeout against a Redis that hangs) and answers from its own view, until
/// <see cref="BackplaneMonitor"/> finds that Redis answers again.
/// </summary>
public sealed class RedisHealth(TimeProvider clock)
{
    private static readonly TimeSpan TimeoutWindow = TimeSpan.FromSeconds(10);

    private int away;
    private long lastTimeout = long.MinValue;

    /// <summary>True from a Redis outage until Redis answers again.</summary>
    public bool IsAway => Volatile.Read(ref away) == 1;

    /// <summary>A Redis command failed; true when this is the failure that marks Redis away.</summary>
    public bool NoteFailure(Exception failure)
    {
        if (failure is not RedisConnectionException)
        {
            var now = clock.GetTimestamp();
            var previous = Interlocked.Exchange(ref lastTimeout, now);
            if (previous == long.MinValue || clock.GetElapsedTime(previous, now) > TimeoutWindow)
            {
                return false;
            }
        }

        return Interlocked.Exchange(ref away, 1) == 0;
    }

    /// <summary>Redis answered again; true when it had been away.</summary>
    public bool NoteAnswered()
    {
        Volatile.Write(ref lastTimeout, long.MinValue);
        return Interlocked.Exchange(ref away, 0) == 1;
    }
}
