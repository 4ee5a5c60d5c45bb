using Npgsql;

namespace Chat.Data.Writing;

/// <summary>A thread reply just stored, as its root's summary counts it.</summary>
internal readonly record struct ThreadReply(Guid RootId, Guid SenderId, long Seq, DateTime SentAt);

/// <summary>
/// Keeps each thread's summary on its root (reply count, last reply, latest repliers) and its
/// participants, in the transaction that stores the replies: reading a root then costs nothing
/// more than reading its row.
/// </summary>
/// <remarks>
/// The writer holds the room's lock while it stores, and a root is in the room of its replies, so
/// two writers never update one root at once. A root that is gone (retention) updates nothing.
/// </remarks>
internal static class ThreadSummaries
{
    // The repliers of this write come first, the latest first, then those the root had; the first
    // three distinct are kept. Participants: the root's sender (nothing read yet) and the repliers,
    // who have read the thread up to their own reply.
    private const string Update = """
        with root as (
            update messages r
            set reply_count = r.reply_count + @Count,
                last_reply_at = greatest(r.last_reply_at, @LastReplyAt),
                last_reply_seq = greatest(r.last_reply_seq, @LastReplySeq),
                latest_replier_ids = array(
                    select t.id from unnest(@Repliers || r.latest_replier_ids) with ordinality as t(id, n)
                    group by t.id order by min(t.n) limit 3)
            where r.id = @RootId
            returning r.id, r.room_id, r.sender_id)
        insert into thread_participants (user_id, room_id, root_id, last_read_seq)
        select p.user_id, root.room_id, root.id, max(p.read_seq)
        from root, (select sender_id, 0::bigint from root
                    union all select * from unnest(@Repliers, @ReadSeqs)) as p(user_id, read_seq)
        group by p.user_id, root.room_id, root.id
        on conflict (user_id, room_id, root_id) do update
            set last_read_seq = greatest(thread_participants.last_read_seq, excluded.last_read_seq)
        """;

    /// <summary>Adds to <paramref name="batch"/> one statement per thread that <paramref name="replies"/> (in seq order) reply in.</summary>
    public static void AddCommands(NpgsqlBatch batch, IEnumerable<ThreadReply> replies)
    {
        foreach (var thread in replies.GroupBy(r => r.RootId))
        {
            var newestFirst = thread.OrderByDescending(r => r.Seq).ToArray();
            var repliers = newestFirst.Select(r => r.SenderId).Distinct().ToArray();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Update)
            {
                Parameters =
                {
                    new NpgsqlParameter("RootId", thread.Key),
                    new NpgsqlParameter("Count", newestFirst.Length),
                    new NpgsqlParameter("LastReplyAt", newestFirst[0].SentAt),
                    new NpgsqlParameter("LastReplySeq", newestFirst[0].Seq),
                    new NpgsqlParameter("Repliers", repliers),
                    // The first of a replier's replies in newest-first order is their latest.
                    new NpgsqlParameter("ReadSeqs", repliers.Select(id => newestFirst.First(r => r.SenderId == id).Seq).ToArray()),
                },
            });
        }
    }

    /// <summary>Adds the summary statements for <paramref name="stored"/>, one message stored alone.</summary>
    public static void AddCommands(NpgsqlBatch batch, StoredMessage stored) =>
        AddCommands(batch, [new ThreadReply(stored.ThreadRootId!.Value, stored.SenderId, stored.Seq, stored.SentAt)]);
}
