using Chat.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Retention;

/// <summary>Deletes messages older than their room's <c>retentionDays</c>.</summary>
public sealed class MessageRetention(
    MessageRetentionRepository repository,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<MessageRetention> logger)
{
    /// <summary>One pass over every room with a retention limit; returns how many messages went.</summary>
    public async Task<long> PurgeOnceAsync(CancellationToken cancellationToken = default)
    {
        var batchSize = options.Value.BatchSize;
        var now = clock.UtcNowAsStored();
        long total = 0;
        foreach (var room in await repository.RoomsWithRetentionAsync(cancellationToken))
        {
            var cutoff = now.AddDays(-room.RetentionDays);
            int deleted;
            do
            {
                deleted = await repository.DeleteBatchAsync(room.Id, cutoff, batchSize, cancellationToken);
                total += deleted;
            }
            while (deleted == batchSize);
        }

        if (total > 0)
        {
            logger.LogInformation("Retention deleted {Count} messages", total);
        }

        return total;
    }
}
