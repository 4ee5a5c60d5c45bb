using Chat.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Retention;

/// <summary>
/// Deletes messages older than their room's <c>retentionDays</c>, and uploads that no message
/// took up within <see cref="RetentionOptions.UnusedUploadSeconds"/>, and refresh tokens past
/// their expiry.
/// </summary>
public sealed class MessageRetention(
    MessageRetentionRepository repository,
    AttachmentRepository attachments,
    RefreshTokenRepository refreshTokens,
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
            RetentionBatch batch;
            do
            {
                batch = await repository.DeleteBatchAsync(room.Id, cutoff, batchSize, cancellationToken);
                total += batch.Deleted;
            }
            while (batch.MoreMayBeOld);
        }

        if (total > 0)
        {
            logger.LogInformation("Retention deleted {Count} messages", total);
        }

        var unusedBefore = now.AddSeconds(-options.Value.UnusedUploadSeconds);
        long uploads = 0;
        int deletedUploads;
        do
        {
            deletedUploads = await attachments.DeleteUnusedAsync(unusedBefore, batchSize, cancellationToken);
            uploads += deletedUploads;
        }
        while (deletedUploads == batchSize);

        if (uploads > 0)
        {
            logger.LogInformation("Retention deleted {Count} uploads that no message carries", uploads);
        }

        // Kept until they expire, replaced or not: a replaced one presented again is how a stolen copy shows.
        await refreshTokens.PurgeExpiredAsync(now, cancellationToken);

        return total;
    }
}
