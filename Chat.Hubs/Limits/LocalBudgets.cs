using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Limits;

/// <summary>The budgets this node counts in memory: a token bucket per budget and partition.</summary>
public sealed class LocalBudgets(IOptions<RateLimitOptions> options, TimeProvider clock)
{
    // Idle buckets are forgotten once the map grows past this, so memory follows active callers only.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(Budget Budget, string Partition), TokenBucket> buckets = new();

    /// <summary>Takes one permit; when there is none, how long until the next.</summary>
    public TimeSpan? TryTake(Budget budget, string partition)
    {
        var allowance = options.Value.For(budget);
        var now = clock.GetTimestamp();
        var key = (budget, partition);
        var added = !buckets.TryGetValue(key, out var bucket);
        if (added)
        {
            bucket = buckets.GetOrAdd(key, new TokenBucket(allowance.Permits, now));
        }

        TimeSpan? wait;
        lock (bucket!)
        {
            wait = bucket.TryTake(now, PerTick(allowance), clock.TimestampFrequency);
        }

        // Counting takes all of the map's locks, so it is done when the map grows, not per call
        // (and after the take, so the new bucket is not pruned as an idle full one).
        if (added && buckets.Count > PruneAbove)
        {
            Prune(now);
        }

        return wait;
    }

    /// <summary>Gives back a permit that was taken for nothing.</summary>
    public void Refund(Budget budget, string partition)
    {
        if (buckets.TryGetValue((budget, partition), out var bucket))
        {
            lock (bucket)
            {
                bucket.Refund();
            }
        }
    }

    private double PerTick(Allowance allowance) =>
        allowance.Permits / (allowance.Window.TotalSeconds * clock.TimestampFrequency);

    private void Prune(long now)
    {
        foreach (var (key, bucket) in buckets)
        {
            lock (bucket)
            {
                if (bucket.IsFull(now, PerTick(options.Value.For(key.Budget))))
                {
                    buckets.TryRemove(new KeyValuePair<(Budget, string), TokenBucket>(key, bucket));
                }
            }
        }
    }
}
