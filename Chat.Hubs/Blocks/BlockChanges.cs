using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Blocks;

/// <summary>
/// Which users' blockers changed lately, across the cluster: a block or unblock on any node
/// notes the blocked user here, and every node asks about once a second for what was noted since
/// it last asked, to drop those users from its cache. Without Redis there is one node, whose own
/// changes clear its cache at once, so there is nothing to ask.
/// </summary>
public sealed class BlockChanges(ChatRedisConnection redis, ILogger<BlockChanges> logger)
{
    // A sorted set: blocked user id, scored by when the change was noted (Unix ms, writer's clock).
    private const string Key = "blocks:changed";

    // Entries older than this are trimmed on every write; a node that has not asked for this long
    // clears its whole cache instead (see BlockService).
    internal static readonly TimeSpan Kept = TimeSpan.FromMinutes(10);

    // Nodes' clocks differ a little: every ask reaches this far back, so a change noted by a node
    // whose clock is behind is not missed. Seeing a change twice costs one query more.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    public bool Shared => redis.Enabled;

    /// <summary>Notes that <paramref name="blockedId"/>'s blockers changed; a Redis fault is only logged.</summary>
    public async Task NoteAsync(Guid blockedId)
    {
        if (!redis.Enabled)
        {
            return;
        }

        try
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var db = await redis.DatabaseAsync();
            await db.SortedSetAddAsync(Key, blockedId.ToString(), now);
            await db.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, now - Kept.TotalMilliseconds);
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            // The block is stored; the other nodes apply it when their cached answer runs out.
            logger.LogWarning(e, "Could not tell the other nodes that the blockers of {UserId} changed", blockedId);
        }
    }

    /// <summary>The users whose blockers changed since <paramref name="sinceUnixMs"/>; null when Redis could not be asked.</summary>
    public async Task<Guid[]?> SinceAsync(long sinceUnixMs)
    {
        try
        {
            var db = await redis.DatabaseAsync();
            var changed = await db.SortedSetRangeByScoreAsync(Key, sinceUnixMs - Overlap.TotalMilliseconds, double.PositiveInfinity);
            return [.. changed.Select(id => Guid.Parse(id.ToString()))];
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            logger.LogWarning(e, "Could not read the latest block changes");
            return null;
        }
    }
}
