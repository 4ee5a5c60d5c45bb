using Chat.Hubs.Connections;
using StackExchange.Redis;

namespace Chat.Hubs.Typing;

/// <summary>
/// The typing entries of a cluster, in Redis, so every node answers the same list and any node
/// can expire an entry made on another. Per room a sorted set <c>typing:{roomId}</c> (member:
/// user id, score: expiry in unix ms); for all rooms one sorted set <c>typing-due</c> (member:
/// "roomId|userId", same score), which an expiry pass reads from its low end only. Each change is
/// one Lua script, so the two sets never disagree and a pass never removes an entry that a
/// StartTyping on another node has just extended.
/// </summary>
public sealed class RedisTypingStore(ChatRedisConnection redis) : ITypingStore
{
    private const string DueKey = "typing-due";

    // A room's set outlives its latest entry by this much, so one that no node ever expires (all
    // nodes down) leaves Redis by itself.
    private static readonly TimeSpan Linger = TimeSpan.FromMinutes(1);

    // KEYS: room, due. ARGV: user, expiry, due member, now, room key lifetime in ms.
    private const string StartScript = """
        local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        if previous then
            return false
        end
        return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[4], '+inf')
        """;

    // KEYS: room, due. ARGV: user, due member, now.
    private const string StopScript = """
        local removed = redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        if removed == 0 then
            return false
        end
        return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[3], '+inf')
        """;

    // KEYS: due, room. ARGV: due member, user, now. The due entry is claimed only while it is
    // still due: a node that lost the race, or an entry extended since it was read, gets nil.
    private const string ClaimScript = """
        local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not due or tonumber(due) > tonumber(ARGV[3]) then
            return false
        end
        redis.call('ZREM', KEYS[1], ARGV[1])
        local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
        if not score or tonumber(score) > tonumber(ARGV[3]) then
            return false
        end
        redis.call('ZREM', KEYS[2], ARGV[2])
        return redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[3], '+inf')
        """;

    public async Task<Guid[]?> StartAsync(Guid roomId, Guid userId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var db = await redis.DatabaseAsync();
        var keyLifetime = expiresAt - now + Linger;
        var result = await db.ScriptEvaluateAsync(
            StartScript,
            [RoomKey(roomId), DueKey],
            [Member(userId), Score(expiresAt), DueMember(roomId, userId), Score(now), (long)keyLifetime.TotalMilliseconds]);
        return ListOrNull(result);
    }

    public async Task<Guid[]?> StopAsync(Guid roomId, Guid userId, DateTimeOffset now)
    {
        var db = await redis.DatabaseAsync();
        var result = await db.ScriptEvaluateAsync(
            StopScript,
            [RoomKey(roomId), DueKey],
            [Member(userId), DueMember(roomId, userId), Score(now)]);
        return ListOrNull(result);
    }

    public async Task<Guid[]> TypistsAsync(Guid roomId, DateTimeOffset now)
    {
        var db = await redis.DatabaseAsync();
        var members = await db.SortedSetRangeByScoreAsync(RoomKey(roomId), Score(now), double.PositiveInfinity, Exclude.Start);
        return [.. members.Select(m => Guid.Parse(m.ToString()))];
    }

    public async Task<IReadOnlyList<TypingChange>> ExpireDueAsync(DateTimeOffset now, int max)
    {
        var db = await redis.DatabaseAsync();
        var dueMembers = await db.SortedSetRangeByScoreAsync(DueKey, double.NegativeInfinity, Score(now), take: max);
        var claims = await Task.WhenAll(dueMembers.Select(async dueMember =>
        {
            var parts = dueMember.ToString().Split('|');
            var roomId = Guid.Parse(parts[0]);
            var userId = Guid.Parse(parts[1]);
            var result = await db.ScriptEvaluateAsync(
                ClaimScript,
                [DueKey, RoomKey(roomId)],
                [dueMember, parts[1], Score(now)]);
            return ListOrNull(result) is { } typists ? new TypingChange(roomId, userId, typists) : null;
        }));
        return [.. claims.OfType<TypingChange>()];
    }

    private static Guid[]? ListOrNull(RedisResult result) =>
        result.IsNull ? null : [.. ((RedisValue[])result!).Select(m => Guid.Parse(m.ToString()))];

    private static RedisKey RoomKey(Guid roomId) => $"typing:{roomId:N}";

    private static string Member(Guid userId) => userId.ToString("N");

    private static string DueMember(Guid roomId, Guid userId) => $"{roomId:N}|{userId:N}";

    private static long Score(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
}
