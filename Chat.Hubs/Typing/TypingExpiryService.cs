using Chat.Hubs.Broadcasting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Typing;

/// <summary>
/// Ends typing entries 3 s after their last event and tells their rooms. Every node runs one;
/// with Redis they share the due entries and each expiry is announced by one node only.
/// </summary>
public sealed class TypingExpiryService(
    TypingTracker tracker,
    RoomBroadcaster broadcaster,
    TimeProvider clock,
    ILogger<TypingExpiryService> logger) : BackgroundService
{
    // An entry leaves at most this long after its expiry. A pass looks only at due entries, so
    // passing often costs little however many rooms there are.
    internal static readonly TimeSpan PassInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>One pass: removes what is due and announces each shrunken list. Returns how many expired.</summary>
    internal async Task<int> ExpireDueAsync()
    {
        var expired = await tracker.ExpireDueAsync();
        // All at once, so one failed announcement does not hold back the others already claimed.
        await Task.WhenAll(expired.Select(broadcaster.TypingChangedAsync));
        return expired.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireDueAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A Redis or backplane fault must not end expiry for good: the next pass retries.
                logger.LogWarning(e, "Typing expiry pass failed");
            }

            try
            {
                await Task.Delay(PassInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
