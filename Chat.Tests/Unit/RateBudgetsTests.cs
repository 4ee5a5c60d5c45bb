using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

/// <summary>The budgets' buckets on a fake clock, and what happens to cluster-wide ones when Redis is away.</summary>
public sealed class RateBudgetsTests
{
    private readonly FakeTimeProvider clock = new();

    [Fact]
    public async Task Each_budget_and_partition_has_a_bucket_of_its_own()
    {
        var budgets = TestBudgets.Create(clock, new RateLimitOptions { Reactions = BudgetOptions.Of(2, 60), Typing = BudgetOptions.Of(2, 60) });

        await budgets.TakeAsync(Budget.Reactions, "alice");
        await budgets.TakeAsync(Budget.Reactions, "alice");
        var refused = await Assert.ThrowsAsync<ChatException>(async () => await budgets.TakeAsync(Budget.Reactions, "alice"));
        await budgets.TakeAsync(Budget.Reactions, "bob");
        await budgets.TakeAsync(Budget.Typing, "alice");

        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.Equal("rate_limited: you are reacting too fast retryAfterMs=30000", refused.WireMessage);
    }

    [Fact]
    public async Task A_refund_gives_one_permit_back_and_never_more_than_the_bucket_holds()
    {
        var budgets = TestBudgets.Create(clock, new RateLimitOptions { SignInFailuresPerAccount = BudgetOptions.Of(2, 600) });

        await budgets.RefundAsync(Budget.SignInFailuresPerAccount, "alice");
        await budgets.TakeAsync(Budget.SignInFailuresPerAccount, "alice");
        await budgets.TakeAsync(Budget.SignInFailuresPerAccount, "alice");
        await Assert.ThrowsAsync<ChatException>(async () => await budgets.TakeAsync(Budget.SignInFailuresPerAccount, "alice"));
        await budgets.RefundAsync(Budget.SignInFailuresPerAccount, "alice");

        await budgets.TakeAsync(Budget.SignInFailuresPerAccount, "alice");
        await Assert.ThrowsAsync<ChatException>(async () => await budgets.TakeAsync(Budget.SignInFailuresPerAccount, "alice"));
    }

    [Fact]
    public async Task With_redis_unreachable_a_cluster_budget_is_still_counted_on_the_node_instead_of_failing()
    {
        var limits = Options.Create(new RateLimitOptions { MessagesPerWindow = 3 });
        // Nothing listens on port 1; short timeouts keep the test quick.
        var unreachable = new ChatRedisConnection(Options.Create(new ChatRedisOptions
        {
            Configuration = "127.0.0.1:1,connectTimeout=200,asyncTimeout=200,syncTimeout=200,connectRetry=0",
        }));
        await using var _ = unreachable;
        var budgets = new RateBudgets(
            new LocalBudgets(limits, clock), new RedisBudgets(unreachable, limits, clock), new RedisHealth(clock), TestMetrics.Create(), NullLogger<RateBudgets>.Instance, clock);

        for (var i = 0; i < 3; i++)
        {
            await budgets.TakeAsync(Budget.Messages, "alice");
        }

        var refused = await Assert.ThrowsAsync<ChatException>(async () => await budgets.TakeAsync(Budget.Messages, "alice"));
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
    }
}
