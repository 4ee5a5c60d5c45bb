using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Limits;

/// <summary>
/// Every rate budget of the service, for both doors: the hub's methods (<see cref="HubBudgetFilter"/>),
/// the REST routes (the ASP.NET Core rate limiter's policies) and the services that count only
/// some outcomes (sends, failed sign-ins). One bucket per budget and caller serves all of them,
/// so a client cannot double its allowance by switching doors.
/// </summary>
/// <remarks>
/// Cluster-wide budgets (<see cref="Budgets.IsClusterWide"/>) live in Redis when it is configured.
/// When Redis cannot be reached they fall back to this node's count: a limit per node is still a
/// bound, and refusing every send because the counter is away would turn a Redis outage into a
/// chat outage.
/// </remarks>
public sealed class RateBudgets
{
    private readonly LocalBudgets local;
    private readonly RedisBudgets redis;
    private readonly ChatMetrics metrics;
    private readonly ILogger<RateBudgets> logger;
    private readonly RedisHealth health;

    // Every call falls back alike while Redis is away: logged once a minute.
    private readonly LogSampler fallbacks;

    public RateBudgets(
        LocalBudgets local, RedisBudgets redis, RedisHealth health, ChatMetrics metrics, ILogger<RateBudgets> logger, TimeProvider clock)
    {
        this.local = local;
        this.redis = redis;
        this.health = health;
        this.metrics = metrics;
        this.logger = logger;
        fallbacks = new LogSampler(TimeSpan.FromMinutes(1), clock);
    }

    /// <summary>The partition of a signed-in user's budgets.</summary>
    public static string PartitionOf(Guid userId) => userId.ToString("N");

    /// <summary>Takes one permit, or refuses with <c>rate_limited</c> and when to retry.</summary>
    public async ValueTask TakeAsync(Budget budget, string partition)
    {
        if (await TryTakeAsync(budget, partition) is { } wait)
        {
            throw Refused(budget, wait);
        }
    }

    /// <summary>Takes one of the user's permits, or refuses with <c>rate_limited</c>.</summary>
    public ValueTask TakeAsync(Budget budget, Guid userId) => TakeAsync(budget, PartitionOf(userId));

    /// <summary>Takes one permit; when there is none, counts the refusal and says how long until the next.</summary>
    public async ValueTask<TimeSpan?> TryTakeAsync(Budget budget, string partition)
    {
        var wait = budget.IsClusterWide() && redis.Enabled
            ? await InRedisAsync(budget, () => redis.TryTakeAsync(budget, partition), () => local.TryTake(budget, partition))
            : local.TryTake(budget, partition);
        if (wait is not null)
        {
            metrics.RateLimited(budget.Name());
        }

        return wait;
    }

    /// <summary>Gives back a permit taken for something that turned out to cost nothing.</summary>
    public async ValueTask RefundAsync(Budget budget, string partition)
    {
        if (budget.IsClusterWide() && redis.Enabled)
        {
            await InRedisAsync(
                budget,
                async () =>
                {
                    await redis.RefundAsync(budget, partition);
                    return null;
                },
                () =>
                {
                    local.Refund(budget, partition);
                    return null;
                });
        }
        else
        {
            local.Refund(budget, partition);
        }
    }

    /// <summary>The refusal a caller gets when <paramref name="budget"/> is spent.</summary>
    public static ChatException Refused(Budget budget, TimeSpan wait) =>
        new(ErrorCodes.RateLimited, budget.Refusal()) { RetryAfter = wait };

    private async Task<TimeSpan?> InRedisAsync(Budget budget, Func<Task<TimeSpan?>> call, Func<TimeSpan?> onThisNode)
    {
        if (health.IsAway)
        {
            return onThisNode();
        }

        try
        {
            return await call();
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            health.NoteFailure(e);
            if (fallbacks.TryEnter(out _))
            {
                logger.LogWarning(e, "Redis is unreachable; the {Budget} budget is counted on this node until it is back", budget.Name());
            }

            return onThisNode();
        }
    }
}
