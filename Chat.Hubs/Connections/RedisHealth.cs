namespace Chat.Hubs.Connections;

/// <summary>
/// Whether Redis is taken to be away. The first command that fails or times out marks it away;
/// from then on the node stops asking it (every call would wait out its timeout against a Redis
/// that hangs) and answers from its own view, until <see cref="BackplaneMonitor"/> finds that
/// Redis answers again.
/// </summary>
public sealed class RedisHealth
{
    private int away;

    /// <summary>True from a Redis failure until Redis answers again.</summary>
    public bool IsAway => Volatile.Read(ref away) == 1;

    /// <summary>A Redis command failed; true when this is the failure that marks Redis away.</summary>
    public bool NoteFailure() => Interlocked.Exchange(ref away, 1) == 0;

    /// <summary>Redis answered again; true when it had been away.</summary>
    public bool NoteAnswered() => Interlocked.Exchange(ref away, 0) == 1;
}
