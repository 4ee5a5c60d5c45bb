using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Outgoing;

/// <summary>
/// Cuts off, twice a second, the connections whose write has waited past its bound. The byte
/// bound needs no sweep: a send that passes it cuts the connection off there and then.
/// </summary>
internal sealed partial class SlowConsumerSweeper(QueuedConnections connections, OutgoingLimits limits, ILogger<SlowConsumerSweeper> logger) : BackgroundService
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
                try
                {
                    connections.CheckAll();
                }
                catch (Exception e)
                {
                    // The next sweep goes on: an exception leaving a background service would stop the whole node.
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the connections' write times failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
