using System.Collections.Concurrent;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Blocks;

/// <summary>
/// Blocking: the blocked user's private messages to the blocker are refused; the broadcaster
/// leaves the blocker out of everything the blocked user does, and history leaves their messages
/// out for the blocker (see MessageRepository).
/// </summary>
public sealed class BlockService(BlockRepository blocks, UserRepository users, BlockChanges changes, TimeProvider clock)
{
    // "Who blocked this sender" is asked on every room message, so the answer is kept. A change on
    // this node clears it at once; other nodes learn of it from BlockChanges within about a
    // second. The time limit only bounds how long a change missed while Redis was away can last.
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<Guid, (Guid[] Blockers, long Until)> blockersOf = new();
    // Only BlockChangesFollower's loop reads and writes it, one pass at a time.
    private long lastAskedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    // Bumped on every eviction: an answer read from the database before one is not kept, since
    // it may predate the change that caused it.
    private long evictions;

    /// <summary>The users the caller has blocked.</summary>
    public async Task<UserDto[]> ListAsync(Caller caller, CancellationToken cancellationToken = default) =>
        [.. (await blocks.BlockedByAsync(caller.UserId, cancellationToken)).Select(u => u.ToDto())];

    /// <summary>Blocks a user; blocking oneself is <c>invalid</c>, an unknown user <c>not_found</c>.</summary>
    public async Task<UserDto[]> BlockAsync(Caller caller, Guid blockedId, CancellationToken cancellationToken = default)
    {
        var blockerId = caller.UserId;
        if (blockerId == blockedId)
        {
            throw ChatException.Invalid("you cannot block yourself");
        }

        _ = await users.FindAsync(blockedId, cancellationToken) ?? throw ChatException.NotFound("user");
        await blocks.BlockAsync(blockerId, blockedId, clock.UtcNowAsStored(), cancellationToken);
        await ChangedAsync(blockedId);
        return await ListAsync(caller, cancellationToken);
    }

    /// <summary>Lifts a block. Idempotent, like blocking: a retried DELETE succeeds too.</summary>
    public async Task UnblockAsync(Caller caller, Guid blockedId, CancellationToken cancellationToken = default)
    {
        await blocks.UnblockAsync(caller.UserId, blockedId, cancellationToken);
        await ChangedAsync(blockedId);
    }

    /// <summary>Refuses a private message to someone who blocked its sender.</summary>
    public async Task EnsureMayWriteToAsync(Guid senderId, Guid recipientId, CancellationToken cancellationToken = default)
    {
        if ((await BlockersOfAsync(senderId, cancellationToken)).Contains(recipientId))
        {
            throw ChatException.Forbidden("this user has blocked you");
        }
    }

    /// <summary>Everyone who blocked <paramref name="senderId"/>, from the cache when it is current.</summary>
    public async ValueTask<Guid[]> BlockersOfAsync(Guid senderId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetTimestamp();
        if (blockersOf.TryGetValue(senderId, out var cached) && cached.Until > now)
        {
            return cached.Blockers;
        }

        var before = Interlocked.Read(ref evictions);
        var blockers = await blocks.BlockersOfAsync(senderId, cancellationToken);
        if (Interlocked.Read(ref evictions) == before)
        {
            blockersOf[senderId] = (blockers, now + (long)(CacheFor.TotalSeconds * clock.TimestampFrequency));
        }

        if (blockersOf.Count > PruneAbove)
        {
            foreach (var (userId, entry) in blockersOf)
            {
                if (entry.Until <= now)
                {
                    blockersOf.TryRemove(new KeyValuePair<Guid, (Guid[], long)>(userId, entry));
                }
            }
        }

        return blockers;
    }

    private async Task ChangedAsync(Guid blockedId)
    {
        Evict(blockedId);
        await changes.NoteAsync(blockedId);
    }

    private void Evict(Guid blockedId)
    {
        Interlocked.Increment(ref evictions);
        blockersOf.TryRemove(blockedId, out _);
    }

    /// <summary>
    /// Drops the answers that other nodes' changes made stale; <see cref="BlockChangesFollower"/>
    /// calls it every second.
    /// </summary>
    internal async Task CatchUpAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (now - lastAskedUnixMs > BlockChanges.Kept.TotalMilliseconds)
        {
            // Away too long (Redis was down) to trust the list: start over.
            Interlocked.Increment(ref evictions);
            blockersOf.Clear();
        }
        else if (await changes.SinceAsync(lastAskedUnixMs) is { } changed)
        {
            foreach (var blockedId in changed)
            {
                Evict(blockedId);
            }
        }
        else
        {
            // Not answered: asked again next time, from the same point.
            return;
        }

        lastAskedUnixMs = now;
    }
}
