using System.Collections.Concurrent;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Limits;

/// <summary>
/// The send limits: the user's <see cref="Budget.Messages"/> budget and the room's slow mode.
/// MessageSender calls it, so one rule covers both doors (the hub and POST /api/rooms/{id}/messages);
/// a hub filter would leave the REST door open.
/// </summary>
/// <remarks>
/// The message budget is counted for the whole cluster when Redis is configured (see
/// <see cref="RateBudgets"/>); slow mode is counted per node, in memory: with sticky sessions a
/// user's connections mostly land on one node, and a user spread over n nodes may send up to n
/// times per slow-mode interval, which is still a bound on abuse.
/// </remarks>
public sealed class SendRateLimiter(RateBudgets budgets, TimeProvider clock, ChatMetrics metrics)
{
    // Idle state is forgotten once the map grows past this, so memory follows active users only.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(Guid UserId, Guid RoomId), long> slowModeUntil = new();

    /// <summary>Takes one of the user's tokens, or refuses with <c>rate_limited</c> and when to retry.</summary>
    public ValueTask TakeTokenAsync(Guid userId) => budgets.TakeAsync(Budget.Messages, userId);

    /// <summary>Gives back the token of a send that stored nothing new (a resend of a stored message).</summary>
    public ValueTask RefundTokenAsync(Guid userId) => budgets.RefundAsync(Budget.Messages, RateBudgets.PartitionOf(userId));

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
}
