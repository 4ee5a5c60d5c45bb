using Chat.Hubs;
using Chat.Hubs.Connections;
using Chat.Hubs.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Infrastructure;

/// <summary>The rate budgets of a node without Redis, on the given clock, for unit tests of the limits.</summary>
public static class TestBudgets
{
    public static RateBudgets Create(TimeProvider clock, RateLimitOptions? limits = null)
    {
        var options = Options.Create(limits ?? new RateLimitOptions());
        var redis = new ChatRedisConnection(Options.Create(new ChatRedisOptions()));
        return new RateBudgets(
            new LocalBudgets(options, clock),
            new RedisBudgets(redis, options, clock),
            new RedisHealth(clock),
            TestMetrics.Create(),
            NullLogger<RateBudgets>.Instance,
            clock);
    }
}
