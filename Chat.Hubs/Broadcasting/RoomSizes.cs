using System.Collections.Concurrent;
using Chat.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Broadcasting;

/// <summary>
/// Which rooms are large (<see cref="ChatOptions.LargeRoomMembers"/>), from each room's member
/// count as this node last read it, read again once 30 s old.
/// </summary>
/// <remarks>
/// <see cref="IsLarge"/> never waits for the database: presence is announced while its user's
/// row is locked on a pooled connection, and waiting there for a second connection could starve
/// the pool. The places that may wait (a connection opening, before its presence is settled; a
/// join or leave, which counts again; a member list being watched) make sure of their rooms first
/// with <see cref="KnowAsync"/>, so the answer is there when asked. A count asked for meanwhile
/// by many at once is read once for all of them. Another node's count may lag a join there by up
/// to the 30 s: a room crossing the line is treated as it was for that long.
/// </remarks>
public sealed class RoomSizes(MembershipRepository members, IOptions<ChatOptions> options, TimeProvider clock, ILogger<RoomSizes> logger)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    // Stale counts are dropped once this many rooms are known, so memory follows active rooms only.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<Guid, (int Members, DateTimeOffset StaleAt)> known = new();
    private readonly ConcurrentDictionary<Guid, Task> reading = new();

    /// <summary>
    /// Whether the room is large as far as this node knows now; never waits. A room not known
    /// yet counts as small (its members hear each change, as in any room) and is read meanwhile.
    /// </summary>
    public bool IsLarge(Guid roomId)
    {
        if (known.TryGetValue(roomId, out var size))
        {
            if (clock.GetUtcNow() >= size.StaleAt)
            {
                _ = KnowAsync([roomId], CancellationToken.None);
            }

            return size.Members >= options.Value.LargeRoomMembers;
        }

        _ = KnowAsync([roomId], CancellationToken.None);
        return false;
    }

    /// <summary>Reads the room's count again: its membership just changed on this node.</summary>
    public Task RecountAsync(Guid roomId, CancellationToken cancellationToken)
    {
        known.TryRemove(roomId, out _);
        return KnowAsync([roomId], cancellationToken);
    }

    /// <summary>Makes sure this node has a fresh count of each room, reading those it lacks in one query.</summary>
    /// <remarks>Never fails: a count that cannot be read leaves the room as it was known (or small).</remarks>
    public async Task KnowAsync(IReadOnlyCollection<Guid> roomIds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<Guid>? unread = null;
        List<Task>? reads = null;
        foreach (var roomId in roomIds)
        {
            if (known.TryGetValue(roomId, out var size) && now < size.StaleAt)
            {
                continue;
            }

            if (reading.TryGetValue(roomId, out var underway))
            {
                (reads ??= []).Add(underway);
            }
            else
            {
                (unread ??= []).Add(roomId);
            }
        }

        if (unread is not null)
        {
            var read = ReadAsync(unread);
            foreach (var roomId in unread)
            {
                reading.TryAdd(roomId, read);
            }

            (reads ??= []).Add(read);
        }

        if (reads is not null)
        {
            await Task.WhenAll(reads).WaitAsync(cancellationToken);
        }
    }

    private async Task ReadAsync(List<Guid> roomIds)
    {
        // Registered as under way by the caller before this goes on.
        await Task.Yield();
        try
        {
            var counts = await members.CountsAsync(roomIds);
            var now = clock.GetUtcNow();
            foreach (var roomId in roomIds)
            {
                known[roomId] = (counts.GetValueOrDefault(roomId), now + Freshness);
            }

            if (known.Count > PruneAbove)
            {
                Prune(now);
            }
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Counting the members of {Rooms} rooms failed", roomIds.Count);
        }
        finally
        {
            foreach (var roomId in roomIds)
            {
                reading.TryRemove(roomId, out _);
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (roomId, size) in known)
        {
            if (now >= size.StaleAt)
            {
                known.TryRemove(roomId, out _);
            }
        }
    }
}
