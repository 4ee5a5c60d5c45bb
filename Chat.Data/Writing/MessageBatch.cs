using Dapper;
using Npgsql;

namespace Chat.Data.Writing;

/// <summary>
/// Stores many messages, from many senders and rooms, in one transaction: each room's row is
/// locked and its sequence bumped once, and all new rows go in with one insert.
/// </summary>
internal static class MessageBatch
{
    // Every writer of a room's messages bumps rooms.last_seq first (see MessageLog), so holding
    // these row locks until commit keeps everyone else out of these rooms: the seqs handed out
    // below stay gap-free and no concurrent resend can slip in between the look-up and the
    // insert. Locking in id order keeps two nodes' batches from deadlocking on each other.
    private const string LockRooms = "select id, last_seq from rooms where id = any(@RoomIds) order by id for update";

    private const string FindStored = $"""
        select {MessageLog.Columns}
        from unnest(@RoomIds, @SenderIds, @ClientMessageIds) as k(room_id, sender_id, client_message_id)
        join messages m on m.room_id = k.room_id and m.sender_id = k.sender_id and m.client_message_id = k.client_message_id
        join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    private const string Insert = $"""
        with bump as (
            update rooms r set last_seq = b.last_seq
            from unnest(@BumpRoomIds, @BumpLastSeqs) as b(id, last_seq)
            where r.id = b.id),
        m as (
            insert into messages (id, room_id, seq, sender_id, client_message_id, type, content,
                                  to_user_id, reply_to_id, attachment_id, metadata, sent_at)
            select v.id, v.room_id, v.seq, v.sender_id, v.client_message_id, v.type, v.content,
                   v.to_user_id, v.reply_to_id, v.attachment_id, cast(v.metadata as jsonb), v.sent_at
            from unnest(@Ids, @RoomIds, @Seqs, @SenderIds, @ClientMessageIds, @Types, @Contents,
                        @ToUserIds, @ReplyToIds, @AttachmentIds, @Metadata, @SentAts)
                as v(id, room_id, seq, sender_id, client_message_id, type, content,
                     to_user_id, reply_to_id, attachment_id, metadata, sent_at)
            returning *)
        select {MessageLog.Columns}
        from m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    /// <summary>
    /// Stores <paramref name="batch"/> and commits. The answer for each message, in batch order:
    /// the new row, the row stored earlier under the same sender and client message id (also
    /// when both copies are in this batch) marked duplicate, or null for a room that is gone.
    /// </summary>
    public static async Task<AppendResult?[]> WriteAsync(
        NpgsqlConnection connection, IReadOnlyList<NewMessage> batch, CancellationToken cancellationToken)
    {
        var results = new AppendResult?[batch.Count];
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var lastSeqs = (await connection.QueryAsync<(Guid Id, long LastSeq)>(new CommandDefinition(
                LockRooms, new { RoomIds = batch.Select(m => m.RoomId).Distinct().ToArray() }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id, r => r.LastSeq);
        var stored = await FindStoredAsync(connection, transaction, batch, lastSeqs, cancellationToken);

        // Seqs in arrival order, so one sender's messages to a room keep the order they were sent in.
        var inserts = new List<(int Index, long Seq)>(batch.Count);
        var firstOfKey = new Dictionary<ClientKey, int>();
        var repeats = new List<(int Index, int First)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            if (!lastSeqs.TryGetValue(message.RoomId, out var lastSeq))
            {
                continue;
            }

            if (ClientKey.Of(message) is { } key)
            {
                if (stored.TryGetValue(key, out var earlier))
                {
                    results[i] = new AppendResult(earlier, Duplicate: true);
                    continue;
                }

                if (firstOfKey.TryGetValue(key, out var first))
                {
                    repeats.Add((i, first));
                    continue;
                }

                firstOfKey[key] = i;
            }

            lastSeqs[message.RoomId] = ++lastSeq;
            inserts.Add((i, lastSeq));
        }

        if (inserts.Count > 0)
        {
            var rows = await InsertAsync(connection, transaction, batch, inserts, cancellationToken);
            foreach (var (index, _) in inserts)
            {
                results[index] = new AppendResult(rows[batch[index].Id], Duplicate: false);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var (index, first) in repeats)
        {
            results[index] = results[first] is { } original ? original with { Duplicate = true } : null;
        }

        return results;
    }

    private static async Task<Dictionary<ClientKey, StoredMessage>> FindStoredAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<NewMessage> batch,
        Dictionary<Guid, long> lastSeqs,
        CancellationToken cancellationToken)
    {
        var keyed = batch.Where(m => m.ClientMessageId is not null && lastSeqs.ContainsKey(m.RoomId)).ToArray();
        if (keyed.Length == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<StoredMessage>(new CommandDefinition(
            FindStored,
            new
            {
                RoomIds = keyed.Select(m => m.RoomId).ToArray(),
                SenderIds = keyed.Select(m => m.SenderId).ToArray(),
                ClientMessageIds = keyed.Select(m => m.ClientMessageId!.Value).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken));
        var stored = new Dictionary<ClientKey, StoredMessage>();
        foreach (var row in rows)
        {
            stored[new ClientKey(row.RoomId, row.SenderId, row.ClientMessageId!.Value)] = row;
        }

        return stored;
    }

    private static async Task<Dictionary<Guid, StoredMessage>> InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<NewMessage> batch,
        List<(int Index, long Seq)> inserts,
        CancellationToken cancellationToken)
    {
        var messages = inserts.Select(x => batch[x.Index]).ToArray();
        // The last seq of each room is the one its final message took.
        var bumps = new Dictionary<Guid, long>();
        foreach (var (index, seq) in inserts)
        {
            bumps[batch[index].RoomId] = seq;
        }

        var rows = await connection.QueryAsync<StoredMessage>(new CommandDefinition(
            Insert,
            new
            {
                BumpRoomIds = bumps.Keys.ToArray(),
                BumpLastSeqs = bumps.Values.ToArray(),
                Ids = messages.Select(m => m.Id).ToArray(),
                RoomIds = messages.Select(m => m.RoomId).ToArray(),
                Seqs = inserts.Select(x => x.Seq).ToArray(),
                SenderIds = messages.Select(m => m.SenderId).ToArray(),
                ClientMessageIds = messages.Select(m => m.ClientMessageId).ToArray(),
                Types = messages.Select(m => DbText.Of(m.Type)).ToArray(),
                Contents = messages.Select(m => m.Content).ToArray(),
                ToUserIds = messages.Select(m => m.ToUserId).ToArray(),
                ReplyToIds = messages.Select(m => m.ReplyToId).ToArray(),
                AttachmentIds = messages.Select(m => m.AttachmentId).ToArray(),
                Metadata = messages.Select(m => JsonTypeHandlers.ToJson(m.Metadata)).ToArray(),
                SentAts = messages.Select(m => m.SentAt).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id);
    }

    /// <summary>What makes a send idempotent: the sender's client message id within a room.</summary>
    private readonly record struct ClientKey(Guid RoomId, Guid SenderId, Guid ClientMessageId)
    {
        public static ClientKey? Of(NewMessage message) =>
            message.ClientMessageId is { } id ? new ClientKey(message.RoomId, message.SenderId, id) : null;
    }
}
