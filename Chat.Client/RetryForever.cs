using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client;

/// <summary>Reconnects with the configured back-off and never gives up: a service client outlives outages.</summary>
internal sealed class RetryForever(IReadOnlyList<TimeSpan> delays) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
        delays.Count == 0 ? TimeSpan.FromSeconds(5) : delays[(int)Math.Min(retryContext.PreviousRetryCount, delays.Count - 1)];
}
