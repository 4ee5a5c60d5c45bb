using Chat.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Activity;

/// <summary>
/// Drains the <see cref="ActivityLog"/> queue into the database, a batch per COPY, and writes
/// what is left when the node stops.
/// </summary>
internal sealed class ActivityWriter(ActivityLog log, ActivityRepository repository, TimeProvider clock, ILogger<ActivityWriter> logger)
    : BackgroundService
{
    // Big enough that a busy node writes few batches, small enough that one COPY stays short.
    private const int BatchSize = 1000;

    // After a batch that did not fill, the writer lets entries gather this long. Writing on every
    // wake-up made a node taking thousands of sends a second commit hundreds of tiny COPYs a
    // second, each one flushing the WAL that message acks wait for too.
    private static readonly TimeSpan Gathering = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Each wake-up writes what queued meanwhile, up to a batch; a full batch goes on at once.
            while (await log.Reader.WaitToReadAsync(stoppingToken))
            {
                // Not cancelled by the stop: a batch cut short would be lost, and StopAsync waits
                // for this one before it writes the rest.
                if (!await WriteBatchAsync(CancellationToken.None))
                {
                    await Task.Delay(Gathering, clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The loop ends first, so the last batches below cannot race it.
        await base.StopAsync(cancellationToken);
        while (log.Reader.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            await WriteBatchAsync(cancellationToken);
        }

        if (log.Reader.Count > 0)
        {
            logger.LogWarning("The stop's deadline passed with {Count} activity entries not written", log.Reader.Count);
        }
    }

    /// <summary>Writes up to one batch of what is queued; true when the batch was full.</summary>
    private async Task<bool> WriteBatchAsync(CancellationToken cancellationToken)
    {
        var batch = new List<ActivityEntry>(Math.Min(BatchSize, log.Reader.Count));
        while (batch.Count < BatchSize && log.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }

        try
        {
            await repository.AppendAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The batch is lost but the loop goes on: a storage outage must not stop the log for good.
            logger.LogError(e, "Writing {Count} activity entries failed", batch.Count);
        }

        return batch.Count == BatchSize;
    }
}
