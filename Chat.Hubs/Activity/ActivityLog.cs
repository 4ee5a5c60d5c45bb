using System.Threading.Channels;
using Chat.Data;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Activity;

/// <summary>
/// Collects what users do without waiting for the database: recording only queues the entry, and
/// <see cref="ActivityWriter"/> stores the queue in batches.
/// </summary>
/// <remarks>
/// The queue is bounded: when the database cannot keep up (or is down) entries are dropped and
/// counted rather than letting memory grow or holding up a send. The log is a report, not a ledger.
/// </remarks>
public sealed class ActivityLog(TimeProvider clock, ILogger<ActivityLog> logger)
{
    private const int Capacity = 50_000;

    private readonly Channel<ActivityEntry> queue = Channel.CreateBounded<ActivityEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private long dropped;

    internal ChannelReader<ActivityEntry> Reader => queue.Reader;

    /// <summary>Queues one action; never blocks and never throws.</summary>
    public void Record(Guid userId, string action, Guid? roomId = null)
    {
        if (!queue.Writer.TryWrite(new ActivityEntry(clock.UtcNowAsStored(), userId, roomId, action))
            && Interlocked.Increment(ref dropped) % 1000 == 1)
        {
            logger.LogWarning("The activity queue is full: {Dropped} entries dropped so far", Interlocked.Read(ref dropped));
        }
    }
}
