using System.Threading.RateLimiting;
using Chat.Hubs.Limits;

namespace Chat.Api.Limits;

/// <summary>
/// One partition of a rate limiter policy, spending from a <see cref="RateBudgets"/> bucket, so a
/// REST route and the hub method that does the same share one allowance (and, for cluster-wide
/// budgets, one count in Redis). It holds no state of its own.
/// </summary>
internal sealed class BudgetLimiter(RateBudgets budgets, Budget budget, string partition) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(null);

    // Stateless, so the partitioned limiter may drop it whenever it likes and make another.
    public override TimeSpan? IdleDuration => TimeSpan.MaxValue;

    public override RateLimiterStatistics? GetStatistics() => null;

    // A budget may live in Redis, so the answer only comes asynchronously: a failed attempt here
    // makes the rate limiting middleware ask AcquireAsync, which decides.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => new Lease(null, acquired: false);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        permitCount == 0 || await budgets.TryTakeAsync(budget, partition) is not { } wait ? Granted : new Lease(wait);

    private sealed class Lease(TimeSpan? retryAfter, bool acquired = true) : RateLimitLease
    {
        public override bool IsAcquired => acquired && retryAfter is null;

        public override IEnumerable<string> MetadataNames =>
            retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
