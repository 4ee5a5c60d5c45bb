using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Receipts;

/// <summary>
/// Writes the <see cref="ReceiptBuffer"/> every flush interval, and once more when the node
/// stops: a mark is acknowledged to its client before it is stored, so a graceful stop must not
/// drop what is still pending.
/// </summary>
internal sealed class ReceiptFlusher(
    ReceiptBuffer buffer,
    IOptions<ReceiptOptions> options,
    TimeProvider clock,
    ILogger<ReceiptFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.FlushIntervalMilliseconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                buffer.EvictIdle();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The loop ends first, so the last flush below cannot race a periodic one.
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await buffer.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The pointers went back to pending; the next tick tries again. A failed flush must
            // not end the loop, or every later mark would stay in memory only.
            logger.LogError(e, "Writing {Count} receipt pointers failed", buffer.PendingCount);
        }
    }
}
