using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Contracts;
using Chat.Data;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Receipts;

/// <summary>
/// The latest delivery and read pointers of each member, in memory, written to the database in
/// batches. Clients mark receipts for every message they see, so a busy room would otherwise
/// turn each message into one write per member; here a storm of marks becomes one statement per
/// flush interval, and the broadcast never waits for the database.
/// </summary>
/// <remarks>
/// The forward-only decision is made against this node's memory, seeded from the stored row on
/// first use and merged with the stored row on every mark. In a cluster two nodes may hold
/// pointers for the same member: each decides (and broadcasts) on its own view, so a client may
/// briefly see a smaller pointer from the other node; the stored value stays right because the
/// write keeps the greatest of stored and written pointers.
/// </remarks>
public sealed class ReceiptBuffer
{
    private readonly ConcurrentDictionary<MemberKey, Pointers> current = new();

    // The entries that moved since they were last written. An entry is here exactly when its
    // Dirty flag is set; both change only under the entry's lock.
    private readonly ConcurrentDictionary<MemberKey, Pointers> pending = new();

    // One flush at a time: a flush that waits here knows every earlier batch is committed, which
    // is what lets a reader flush a user's pointers and then trust the database.
    private readonly SemaphoreSlim flushing = new(1, 1);

    private readonly ReceiptRepository repository;
    private readonly TimeProvider clock;
    private readonly IOptions<ReceiptOptions> options;
    private readonly Counter<long> flushes;
    private readonly Counter<long> written;
    private long flushCount;
    private DateTime lastSweep;

    public ReceiptBuffer(ReceiptRepository repository, TimeProvider clock, IOptions<ReceiptOptions> options, IMeterFactory meters)
    {
        this.repository = repository;
        this.clock = clock;
        this.options = options;
        var meter = meters.Create("Chat.Receipts");
        flushes = meter.CreateCounter<long>("chat.receipts.flushes", description: "Statements that wrote receipt pointers");
        written = meter.CreateCounter<long>("chat.receipts.written", description: "Member pointers written by those statements");
    }

    /// <summary>How many statements have written pointers so far (one per non-empty flush).</summary>
    internal long FlushCount => Interlocked.Read(ref flushCount);

    /// <summary>How many members' pointers wait to be written.</summary>
    internal int PendingCount => pending.Count;

    /// <summary>
    /// Moves the member's pointers forward to <paramref name="deliveredSeq"/> and
    /// <paramref name="readSeq"/> (reading implies delivery); a pointer never moves back.
    /// </summary>
    /// <param name="stored">The membership as just read from the database, pointers included.</param>
    /// <param name="deliveredSeq">The seq the member has received up to.</param>
    /// <param name="readSeq">The seq the member has read up to; 0 for a delivery mark.</param>
    /// <param name="now">When the mark was made: the new readAt.</param>
    /// <returns>The new receipt when a pointer moved; null when nothing changed.</returns>
    public ReceiptDto? MoveForward(RoomMember stored, long deliveredSeq, long readSeq, DateTime now)
    {
        var key = new MemberKey(stored.RoomId, stored.UserId);
        while (true)
        {
            var pointers = current.GetOrAdd(key, static (_, member) => Pointers.Of(member), stored);
            lock (pointers)
            {
                if (pointers.Evicted)
                {
                    continue;
                }

                if (stored.JoinedAt < pointers.JoinedAt)
                {
                    // Read before the user left and joined again: a mark for the ended membership.
                    return null;
                }

                if (stored.JoinedAt > pointers.JoinedAt)
                {
                    // A new membership starts from its own row; the old one's unwritten pointers
                    // would be skipped by the write anyway.
                    pointers.Reset(stored);
                    pending.TryRemove(new KeyValuePair<MemberKey, Pointers>(key, pointers));
                }

                pointers.Merge(stored);
                pointers.TouchedAt = now;
                var moved = false;
                if (readSeq > pointers.Read)
                {
                    pointers.Read = readSeq;
                    pointers.ReadAt = now;
                    moved = true;
                }

                if (Math.Max(deliveredSeq, readSeq) > pointers.Delivered)
                {
                    pointers.Delivered = Math.Max(deliveredSeq, readSeq);
                    moved = true;
                }

                if (!moved)
                {
                    return null;
                }

                pointers.Dirty = true;
                pending[key] = pointers;
                return pointers.ToReceipt(key);
            }
        }
    }

    /// <summary>The member's receipt: the stored row with what is not written yet merged in.</summary>
    public ReceiptDto Current(RoomMember stored)
    {
        var key = new MemberKey(stored.RoomId, stored.UserId);
        if (current.TryGetValue(key, out var pointers))
        {
            lock (pointers)
            {
                if (!pointers.Evicted && pointers.JoinedAt == stored.JoinedAt)
                {
                    var merged = pointers.Copy();
                    merged.Merge(stored);
                    return merged.ToReceipt(key);
                }
            }
        }

        return new ReceiptDto(stored.RoomId, stored.UserId, stored.DeliveredSeq, stored.ReadSeq, stored.ReadAt);
    }

    /// <summary>Writes every pointer that moved since the last flush, in one statement.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => FlushAsync(static _ => true, cancellationToken);

    /// <summary>Writes the pending pointers of one user, so that a query of the database sees them.</summary>
    public Task FlushUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        FlushAsync(key => key.UserId == userId, cancellationToken);

    /// <summary>
    /// Forgets members whose pointers are written and have not moved for a while; they reload
    /// from the database on their next mark. Sweeps at most once per idle period, as a sweep
    /// visits every entry.
    /// </summary>
    public void EvictIdle()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var idle = TimeSpan.FromSeconds(options.Value.IdleSeconds);
        if (now - lastSweep < idle)
        {
            return;
        }

        lastSweep = now;
        var cutoff = now - idle;
        foreach (var (key, pointers) in current)
        {
            lock (pointers)
            {
                if (!pointers.Dirty && pointers.TouchedAt < cutoff)
                {
                    pointers.Evicted = true;
                    current.TryRemove(new KeyValuePair<MemberKey, Pointers>(key, pointers));
                }
            }
        }
    }

    private async Task FlushAsync(Func<MemberKey, bool> which, CancellationToken cancellationToken)
    {
        await flushing.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<(MemberKey Key, Pointers Pointers, ReceiptPointers Row)>();
            foreach (var (key, pointers) in pending)
            {
                if (!which(key))
                {
                    continue;
                }

                lock (pointers)
                {
                    if (!pointers.Dirty)
                    {
                        continue;
                    }

                    pointers.Dirty = false;
                    pending.TryRemove(new KeyValuePair<MemberKey, Pointers>(key, pointers));
                    batch.Add((key, pointers, new ReceiptPointers(
                        key.RoomId, key.UserId, pointers.JoinedAt, pointers.Delivered, pointers.Read, pointers.ReadAt)));
                }
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await repository.WriteAsync([.. batch.Select(b => b.Row)], cancellationToken);
            }
            catch
            {
                // Still the latest values (or older than ones marked meanwhile): pending again, for
                // the next flush. Writing a pointer twice is harmless, greatest() sees to that.
                foreach (var (key, pointers, _) in batch)
                {
                    lock (pointers)
                    {
                        if (!pointers.Evicted)
                        {
                            pointers.Dirty = true;
                            pending[key] = pointers;
                        }
                    }
                }

                throw;
            }

            Interlocked.Increment(ref flushCount);
            flushes.Add(1);
            written.Add(batch.Count);
        }
        finally
        {
            flushing.Release();
        }
    }

    private readonly record struct MemberKey(Guid RoomId, Guid UserId);

    /// <summary>One member's pointers; every field is read and written under a lock on the instance.</summary>
    private sealed class Pointers
    {
        public DateTime JoinedAt { get; private set; }

        public long Delivered { get; set; }

        public long Read { get; set; }

        public DateTime? ReadAt { get; set; }

        public DateTime TouchedAt { get; set; }

        public bool Dirty { get; set; }

        public bool Evicted { get; set; }

        public static Pointers Of(RoomMember member)
        {
            var pointers = new Pointers();
            pointers.Reset(member);
            return pointers;
        }

        public void Reset(RoomMember member)
        {
            JoinedAt = member.JoinedAt;
            Delivered = member.DeliveredSeq;
            Read = member.ReadSeq;
            ReadAt = member.ReadAt;
            Dirty = false;
        }

        /// <summary>Takes the stored pointers where they are ahead (another node wrote them).</summary>
        public void Merge(RoomMember stored)
        {
            Delivered = Math.Max(Delivered, stored.DeliveredSeq);
            if (stored.ReadSeq > Read)
            {
                Read = stored.ReadSeq;
                ReadAt = stored.ReadAt;
            }
        }

        public Pointers Copy() => new()
        {
            JoinedAt = JoinedAt,
            Delivered = Delivered,
            Read = Read,
            ReadAt = ReadAt,
        };

        public ReceiptDto ToReceipt(MemberKey key) => new(key.RoomId, key.UserId, Delivered, Read, ReadAt);
    }
}
