using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Blocks;

/// <summary>Once a second, drops the cached blockers that a block or unblock on another node changed.</summary>
internal sealed class BlockChangesFollower(BlockService blocks, BlockChanges changes, ILogger<BlockChangesFollower> logger) : BackgroundService
{
    // Real time, not the injected clock: a test's frozen clock must not hold other nodes' news back.
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!changes.Shared)
        {
            return;
        }

        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await blocks.CatchUpAsync();
            }
            catch (Exception e)
            {
                // A missed pass is made up by the next one; the node must not stop over it.
                logger.LogWarning(e, "Could not catch up on block changes");
            }
        }
    }
}
