using Microsoft.Extensions.Hosting;

namespace Chat.Hubs.Outgoing;

/// <summary>
/// Cuts off, twice a second, the connections whose write has waited past its bound. The byte
/// bound needs no sweep: a send that passes it cuts the connection off there and then.
/// </summary>
internal sealed class SlowConsumerSweeper(QueuedConnections connections, OutgoingLimits limits) : BackgroundService
{
    // A stuck connection is cut off at most this long after its bound.
    internal static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, limits.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                connections.CheckAll();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }
}
