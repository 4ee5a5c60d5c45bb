using System.Collections.Concurrent;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Limits;

/// <summary>
/// The send limits: a token bucket per user and the room's slow mode. MessageSender calls it,
/// so one rule covers both doors (the hub and POST /api/rooms/{id}/messages); a hub filter would
/// leave the REST door open.
/// </summary>
/// <remarks>
/// Counted per node, in memory: a check costs no round trip, and with sticky sessions a user's
/// connections mostly land on one node. A user spread over n nodes may send up to n times the
/// limit, which is still a bound on abuse.
/// </remarks>
public sealed class SendRateLimiter(IOptions<RateLimitOptions> options, TimeProvider clock, ChatMetrics metrics)
{
    // Idle state is forgotten once the maps grow past this, so memory follows active users only.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<Guid, TokenBucket> buckets = new();
    private readonly ConcurrentDictionary<(Guid UserId, Guid RoomId), long> slowModeUntil = new();

    private double TokensPerTick =>
        options.Value.MessagesPerWindow / (options.Value.WindowMilliseconds / 1000.0 * clock.TimestampFrequency);

    /// <summary>Takes one of the user's tokens, or refuses with <c>rate_limited</c> and when to retry.</summary>
    public void TakeToken(Guid userId)
    {
        var now = clock.GetTimestamp();
        var added = !buckets.TryGetValue(userId, out var bucket);
        if (added)
        {
            bucket = buckets.GetOrAdd(userId, new TokenBucket(options.Value.MessagesPerWindow, now));
        }

        TimeSpan? wait;
        lock (bucket!)
        {
            wait = bucket.TryTake(now, TokensPerTick, clock.TimestampFrequency);
        }

        // Counting takes all of the map's locks, so it is done when the map grows, not per send
        // (and after the take, so the new bucket is not pruned as an idle full one).
        if (added && buckets.Count > PruneAbove)
        {
            PruneBuckets(now);
        }

        if (wait is { } retryAfter)
        {
            metrics.RateLimited("messages");
            throw new ChatException(ErrorCodes.RateLimited, "you are sending too fast") { RetryAfter = retryAfter };
        }
    }

    /// <summary>Gives back the token of a send that stored nothing new (a resend of a stored message).</summary>
    public void RefundToken(Guid userId)
    {
        if (buckets.TryGetValue(userId, out var bucket))
        {
            lock (bucket)
            {
                bucket.Refund();
            }
        }
    }

    /// <summary>
    /// Slow mode: a member sends at most once per <c>slowModeSeconds</c> in the room; moderators,
    /// room admins, global admins and services are exempt.
    /// </summary>
    public void EnterSlowMode(Guid userId, GlobalRole globalRole, RoomMember member, RoomSettings settings)
    {
        if (settings.SlowModeSeconds is not ({ } seconds and > 0)
            || member.Moderates
            || globalRole is GlobalRole.Admin or GlobalRole.Service)
        {
            return;
        }

        var now = clock.GetTimestamp();
        var next = now + (seconds * clock.TimestampFrequency);
        var key = (userId, member.RoomId);
        var added = false;
        while (true)
        {
            if (slowModeUntil.TryGetValue(key, out var until))
            {
                if (until > now)
                {
                    var retryAfter = TimeSpan.FromMilliseconds(Math.Ceiling((until - now) * 1000.0 / clock.TimestampFrequency));
                    metrics.RateLimited("slow_mode");
                    throw new ChatException(ErrorCodes.RateLimited, $"slow mode: one message per {seconds} s in this room")
                    {
                        RetryAfter = retryAfter,
                    };
                }

                // Compare-and-swap: two sends at once cannot both pass.
                if (slowModeUntil.TryUpdate(key, next, until))
                {
                    break;
                }
            }
            else if (slowModeUntil.TryAdd(key, next))
            {
                added = true;
                break;
            }
        }

        if (added && slowModeUntil.Count > PruneAbove)
        {
            foreach (var (staleKey, staleUntil) in slowModeUntil)
            {
                if (staleUntil <= now)
                {
                    slowModeUntil.TryRemove(new KeyValuePair<(Guid, Guid), long>(staleKey, staleUntil));
                }
            }
        }
    }

    private void PruneBuckets(long now)
    {
        var rate = TokensPerTick;
        foreach (var (userId, bucket) in buckets)
        {
            lock (bucket)
            {
                if (bucket.IsFull(now, rate))
                {
                    buckets.TryRemove(new KeyValuePair<Guid, TokenBucket>(userId, bucket));
                }
            }
        }
    }
}
