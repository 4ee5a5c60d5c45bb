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

    private readonly ConcurrentDictionary<Guid, RoomCount> known = new();
    private readonly ConcurrentDictionary<Guid, Task> reading = new();
    private long readsStarted;

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
    /// <remarks>
    /// A read of its own, not one already under way: that one may have counted before the change.
    /// Never fails: a count that cannot be read is read again the next time it is asked for.
    /// </remarks>
    public async Task RecountAsync(Guid roomId, CancellationToken cancellationToken)
    {
        try
        {
            await ReadAsync([roomId], cancellationToken);
        }
        catch (Exception e)
        {
            if (known.TryGetValue(roomId, out var size))
            {
                known.TryUpdate(roomId, size with { StaleAt = DateTimeOffset.MinValue }, size);
            }

            logger.LogDebug(e, "Counting the members of room {RoomId} failed", roomId);
        }
    }

    /// <summary>Makes sure this node has a fresh count of each room, reading those it lacks in one query.</summary>
    /// <remarks>Never fails: a count that cannot be read leaves the room as it was known (or small).</remarks>
    public async Task KnowAsync(IReadOnlyCollection<Guid> roomIds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<Guid>? mine = null;
        TaskCompletionSource? ours = null;
        List<Task>? reads = null;
        foreach (var roomId in roomIds)
        {
            if (known.TryGetValue(roomId, out var size) && now < size.StaleAt)
            {
                continue;
            }

            // The read is registered before it starts, so it can never finish before it is
            // registered and leave a finished read behind that every later caller would wait on
            // instead of reading.
            ours ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var underway = reading.GetOrAdd(roomId, ours.Task);
            if (underway == ours.Task)
            {
                (mine ??= []).Add(roomId);
            }
            else
            {
                (reads ??= []).Add(underway);
            }
        }

        if (mine is not null)
        {
            _ = ReadForAllAsync(mine, ours!);
            (reads ??= []).Add(ours!.Task);
        }

        if (reads is not null)
        {
            await Task.WhenAll(reads).WaitAsync(cancellationToken);
        }
    }

    private async Task ReadForAllAsync(List<Guid> roomIds, TaskCompletionSource read)
    {
        try
        {
            await ReadAsync(roomIds, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Counting the members of {Rooms} rooms failed", roomIds.Count);
        }
        finally
        {
            foreach (var roomId in roomIds)
            {
                reading.TryRemove(new KeyValuePair<Guid, Task>(roomId, read.Task));
            }

            read.SetResult();
        }
    }

    private async Task ReadAsync(IReadOnlyCollection<Guid> roomIds, CancellationToken cancellationToken)
    {
        // Numbered as it starts: a read that started earlier but ends later counted an older
        // membership, and must not overwrite what a later one found.
        var number = Interlocked.Increment(ref readsStarted);
        var counts = await members.CountsAsync(roomIds, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var roomId in roomIds)
        {
            var count = new RoomCount(counts.GetValueOrDefault(roomId), now + Freshness, number);
            known.AddOrUpdate(roomId, count, (_, old) => old.ReadNumber > number ? old : count);
        }

        if (known.Count > PruneAbove)
        {
            Prune(now);
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

    private sealed record RoomCount(int Members, DateTimeOffset StaleAt, long ReadNumber);
}
