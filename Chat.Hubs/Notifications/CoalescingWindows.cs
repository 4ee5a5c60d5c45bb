using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Hubs.Notifications;

/// <summary>A window that an event opened: push at once, counting <see cref="Count"/>, and close it when it ends.</summary>
internal readonly record struct OpenedWindow(string Token, bool InRedis, int Count);

/// <summary>
/// At most one push per user and room in each window (<see cref="PushOptions.CoalesceWindow"/>),
/// across the cluster. The first event opens a window and is pushed at once; events during the
/// window are counted and the latest kept; when the window ends the node that opened it pushes
/// once with the count, which opens the next window. A window nothing came into just ends, so the
/// next event is pushed at once again.
/// </summary>
/// <remarks>
/// In Redis when the service runs as a cluster, so that events arriving on any node count into
/// the same window; otherwise, and while Redis is away, in this node's memory. A window in Redis
/// lives for two windows' time: if the node that opened it dies before closing it, the events it
/// held are counted into the push of the next event after it lapses.
/// </remarks>
internal sealed partial class CoalescingWindows(
    ChatRedisConnection redis, RedisHealth health, IOptions<PushOptions> options, TimeProvider clock, ILogger<CoalescingWindows> logger)
{
    // Opens a window when none is open, taking over what a lost window held; counts otherwise,
    // keeping the latest message by seq: nodes decide in parallel, so events may arrive out of order.
    private const string CountScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
            local left = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
            redis.call('DEL', KEYS[2])
            return left + 1
        end
        redis.call('HINCRBY', KEYS[2], 'count', 1)
        if tonumber(ARGV[4]) > tonumber(redis.call('HGET', KEYS[2], 'seq') or '-1') then
            redis.call('HSET', KEYS[2], 'latest', ARGV[3], 'seq', ARGV[4])
        end
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 0
        """;

    // Ends the window that ARGV[1] opened: what it held, with the next window opened as ARGV[2];
    // nothing when it held nothing (the window goes) or another window has taken its place.
    private const string CloseScript = """
        local current = redis.call('GET', KEYS[1])
        if current and current ~= ARGV[1] then
            return nil
        end
        local count = redis.call('HGET', KEYS[2], 'count')
        if not count then
            if current then
                redis.call('DEL', KEYS[1])
            end
            return nil
        end
        local latest = redis.call('HGET', KEYS[2], 'latest')
        redis.call('DEL', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return {count, latest}
        """;

    private const int PruneAbove = 10_000;

    private readonly Lock gate = new();
    private readonly Dictionary<(Guid UserId, Guid RoomId), LocalWindow> local = [];

    /// <summary>How long a window lasts.</summary>
    public TimeSpan Length => options.Value.CoalesceWindow;

    private long LifetimeMs => (long)(Length.TotalMilliseconds * 2);

    /// <summary>
    /// Counts an event, the message <paramref name="seq"/> of the room: the window it opened (push
    /// now), or null when an open window counted it.
    /// </summary>
    public async Task<OpenedWindow?> CountAsync(Guid userId, Guid roomId, PushNotification notification, long seq)
    {
        var token = Guid.NewGuid().ToString("N");
        if (UseRedis)
        {
            try
            {
                var db = await redis.DatabaseAsync();
                var opened = (long)await db.ScriptEvaluateAsync(
                    CountScript,
                    [WindowKey(userId, roomId), HeldKey(userId, roomId)],
                    [token, LifetimeMs, notification.ToJson(), seq]);
                return opened > 0 ? new OpenedWindow(token, InRedis: true, (int)opened) : null;
            }
            catch (Exception e) when (RedisFaults.IsFault(e))
            {
                Degraded(e);
            }
        }

        return CountLocally(userId, roomId, notification, seq, token);
    }

    /// <summary>
    /// Ends a window this node opened: what came during it (the latest, with the count), the next
    /// window being open from now under <paramref name="nextToken"/>; null when nothing came.
    /// </summary>
    public async Task<PushNotification?> CloseAsync(Guid userId, Guid roomId, OpenedWindow window, string nextToken)
    {
        if (!window.InRedis)
        {
            return CloseLocally(userId, roomId, window.Token, nextToken);
        }

        var db = await redis.DatabaseAsync();
        var result = await db.ScriptEvaluateAsync(
            CloseScript,
            [WindowKey(userId, roomId), HeldKey(userId, roomId)],
            [window.Token, nextToken, LifetimeMs]);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        var latest = PushNotification.FromJson((string)parts[1]!);
        return latest is null ? null : latest with { Count = (int)parts[0] };
    }

    private bool UseRedis => redis.Enabled && !health.IsAway;

    private OpenedWindow? CountLocally(Guid userId, Guid roomId, PushNotification notification, long seq, string token)
    {
        var now = clock.GetTimestamp();
        lock (gate)
        {
            if (local.TryGetValue((userId, roomId), out var open) && open.ExpiresAt > now)
            {
                open.Held++;
                if (seq > open.LatestSeq)
                {
                    (open.Latest, open.LatestSeq) = (notification, seq);
                }

                return null;
            }

            if (local.Count > PruneAbove)
            {
                Prune(now);
            }

            local[(userId, roomId)] = new LocalWindow(token, ExpiresAt(now));
            return new OpenedWindow(token, InRedis: false, 1 + (open?.Held ?? 0));
        }
    }

    private PushNotification? CloseLocally(Guid userId, Guid roomId, string token, string nextToken)
    {
        lock (gate)
        {
            if (!local.TryGetValue((userId, roomId), out var open) || open.Token != token)
            {
                return null;
            }

            if (open is not { Held: > 0, Latest: { } latest })
            {
                local.Remove((userId, roomId));
                return null;
            }

            local[(userId, roomId)] = new LocalWindow(nextToken, ExpiresAt(clock.GetTimestamp()));
            return latest with { Count = open.Held };
        }
    }

    private long ExpiresAt(long now) => now + (long)(LifetimeMs / 1000.0 * clock.TimestampFrequency);

    // Windows are closed by their node, so only a close that failed leaves one behind.
    private void Prune(long now)
    {
        foreach (var (key, window) in local.ToArray())
        {
            if (window.ExpiresAt <= now)
            {
                local.Remove(key);
            }
        }
    }

    private void Degraded(Exception e)
    {
        if (health.NoteFailure(e))
        {
            LogDegraded(logger, e);
        }
    }

    private static string WindowKey(Guid userId, Guid roomId) => $"push-window:{userId:N}:{roomId:N}";

    private static string HeldKey(Guid userId, Guid roomId) => $"push-held:{userId:N}:{roomId:N}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is out of reach: pushes are coalesced per node until it is back")]
    private static partial void LogDegraded(ILogger logger, Exception exception);

    private sealed class LocalWindow(string token, long expiresAt)
    {
        public string Token { get; } = token;
        public long ExpiresAt { get; } = expiresAt;
        public int Held { get; set; }
        public PushNotification? Latest { get; set; }
        public long LatestSeq { get; set; } = -1;
    }
}
