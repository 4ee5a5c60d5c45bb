namespace Chat.Hubs.Limits;

/// <summary>
/// One caller's allowance under one budget: up to <c>capacity</c> tokens, refilled evenly over
/// the window. Not thread-safe on its own; <see cref="LocalBudgets"/> locks it.
/// </summary>
internal sealed class TokenBucket(int capacity, long now)
{
    private double tokens = capacity;
    private long updatedAt = now;

    /// <summary>Takes a token; when there is none, how long until the next one.</summary>
    public TimeSpan? TryTake(long now, double tokensPerTick, long ticksPerSecond)
    {
        Refill(now, tokensPerTick);
        if (tokens >= 1)
        {
            tokens -= 1;
            return null;
        }

        var ticks = (1 - tokens) / tokensPerTick;
        // Rounded up to whole milliseconds: a retry at exactly retryAfterMs must succeed.
        return TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(ticks * 1000 / ticksPerSecond)));
    }

    /// <summary>Gives back a token that was taken for nothing (a duplicate resend, a right password).</summary>
    public void Refund() => tokens = Math.Min(capacity, tokens + 1);

    /// <summary>True when the bucket is full again, so forgetting it changes nothing.</summary>
    public bool IsFull(long now, double tokensPerTick)
    {
        Refill(now, tokensPerTick);
        return tokens >= capacity;
    }

    private void Refill(long now, double tokensPerTick)
    {
        tokens = Math.Min(capacity, tokens + ((now - updatedAt) * tokensPerTick));
        updatedAt = now;
    }
}
