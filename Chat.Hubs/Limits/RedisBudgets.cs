using Chat.Hubs.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Hubs.Limits;

/// <summary>
/// The cluster-wide budgets: the same token bucket as <see cref="LocalBudgets"/>, kept in a Redis
/// hash and changed by one script, so nodes taking from one bucket at once cannot both win.
/// </summary>
public sealed class RedisBudgets(ChatRedisConnection redis, IOptions<RateLimitOptions> options, TimeProvider clock)
{
    // KEYS[1] the bucket; ARGV capacity, permits per ms, now in ms, cost (-1 gives one back).
    // Answers 0 when the cost was paid, otherwise the milliseconds until it could be. A bucket
    // expires once it would be full again, so idle callers leave nothing behind.
    private const string TakeScript = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local now = tonumber(ARGV[3])
        local cost = tonumber(ARGV[4])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1]) or capacity
        local at = tonumber(state[2]) or now
        if now > at then
          tokens = math.min(capacity, tokens + (now - at) * rate)
          at = now
        end
        if cost > 0 and tokens < cost then
          return math.max(1, math.ceil((cost - tokens) / rate))
        end
        tokens = math.min(capacity, tokens - cost)
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
        redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
        return 0
        """;

    public bool Enabled => redis.Enabled;

    /// <summary>Takes one permit; when there is none, how long until the next.</summary>
    public Task<TimeSpan?> TryTakeAsync(Budget budget, string partition) => RunAsync(budget, partition, cost: 1);

    /// <summary>Gives back a permit that was taken for nothing.</summary>
    public Task RefundAsync(Budget budget, string partition) => RunAsync(budget, partition, cost: -1);

    private async Task<TimeSpan?> RunAsync(Budget budget, string partition, int cost)
    {
        var allowance = options.Value.For(budget);
        var database = await redis.DatabaseAsync();
        // The node's clock, not Redis's: nodes agree closely enough through NTP, and a bucket
        // never refills backwards when they do not (the script ignores a time before its own).
        var result = (long)await database.ScriptEvaluateAsync(
            TakeScript,
            [new RedisKey($"budget:{budget.Name()}:{partition}")],
            [allowance.Permits, allowance.PermitsPerMillisecond, clock.GetUtcNow().ToUnixTimeMilliseconds(), cost]);
        return result == 0 ? null : TimeSpan.FromMilliseconds(result);
    }
}
