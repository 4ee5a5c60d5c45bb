using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client;

/// <summary>
/// Reconnects with the configured back-off and never gives up: a service client outlives outages.
/// Once the list is used up, its last delay repeats with up to a fifth added at random, so that
/// the clients a node lost at once do not come back in lockstep.
/// </summary>
internal sealed class RetryForever(IReadOnlyList<TimeSpan> delays) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        if (delays.Count == 0)
        {
            return TimeSpan.FromSeconds(5);
        }

        var step = retryContext.PreviousRetryCount;
        return step < delays.Count ? delays[(int)step] : delays[^1] * (1 + (Random.Shared.NextDouble() / 5));
    }
}
