using Dapper;
using Npgsql;

namespace Chat.Data.Writing;

/// <summary>
/// Stores many messages, from many senders and rooms, in one transaction of two round trips:
/// one locks the rooms and reads what the checks need, the other inserts every new row, bumps
/// each room's sequence once and commits.
/// </summary>
internal static class MessageBatch
{
    private const string FindStored = $"""
        select {MessageLog.Columns}
        from unnest(@RoomIds, @SenderIds, @ClientMessageIds) as k(room_id, sender_id, client_message_id)
        join messages m on m.room_id = k.room_id and m.sender_id = k.sender_id and m.client_message_id = k.client_message_id
        join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    // Inserts only: every column of a new row is known here already, so the acks are composed
    // from the batch (see Stored) instead of reading the rows back joined to their senders.
    // The one column that is not, the room's search language, comes from the rooms' rows the
    // seq bump updates anyway (they are locked since the first round trip). A left join: a row
    // must never be dropped by it, as the insert's count is not checked.
    private const string Insert = $"""
        with bump as ({RoomSequence.SetLast} returning r.id, {MessageLog.SearchConfigOfRoom} as search_config)
        insert into messages (id, room_id, seq, sender_id, client_message_id, type, content,
                              to_user_id, reply_to_id, attachment_id, metadata, sent_at, search_config)
        select v.id, v.room_id, v.seq, v.sender_id, v.client_message_id, v.type, v.content,
               v.to_user_id, v.reply_to_id, v.attachment_id, cast(v.metadata as jsonb), v.sent_at, bump.search_config
        from unnest(@Ids, @RoomIds, @Seqs, @SenderIds, @ClientMessageIds, @Types, @Contents,
                    @ToUserIds, @ReplyToIds, @AttachmentIds, @Metadata, @SentAts)
            as v(id, room_id, seq, sender_id, client_message_id, type, content,
                 to_user_id, reply_to_id, attachment_id, metadata, sent_at)
        left join bump on bump.id = v.room_id
        """;

    // Insert for a batch that holds a thread reply or a mention: the same with their columns. A
    // batch of plain messages keeps to the statement above and sends none of their arrays.
    // Mentions travel as array literals, one text per row, since unnest cannot take an array of arrays.
    private const string InsertWithThreads = $"""
        with bump as ({RoomSequence.SetLast} returning r.id, {MessageLog.SearchConfigOfRoom} as search_config)
        insert into messages (id, room_id, seq, sender_id, client_message_id, type, content,
                              to_user_id, reply_to_id, attachment_id, metadata, sent_at,
                              thread_root_id, also_to_room, mentions, mentions_room, search_config)
        select v.id, v.room_id, v.seq, v.sender_id, v.client_message_id, v.type, v.content,
               v.to_user_id, v.reply_to_id, v.attachment_id, cast(v.metadata as jsonb), v.sent_at,
               v.thread_root_id, v.also_to_room, cast(v.mentions as uuid[]), v.mentions_room, bump.search_config
        from unnest(@Ids, @RoomIds, @Seqs, @SenderIds, @ClientMessageIds, @Types, @Contents,
                    @ToUserIds, @ReplyToIds, @AttachmentIds, @Metadata, @SentAts,
                    @ThreadRootIds, @AlsoToRooms, @Mentions, @MentionsRooms)
            as v(id, room_id, seq, sender_id, client_message_id, type, content,
                 to_user_id, reply_to_id, attachment_id, metadata, sent_at,
                 thread_root_id, also_to_room, mentions, mentions_room)
        left join bump on bump.id = v.room_id
        """;

    // The index that makes sends idempotent (migration 1): a row it refuses is a resend.
    private const string ClientKeyIndex = "messages_client_message_id";

    // The batch's own messages, by the ids the writer gave them: found only when an earlier try
    // of this very batch committed and lost its answer (see WriteAsync).
    private const string FindOwn = $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.id = any(@Ids)
        """;

    // For senders the batch has no state of (messages the service writes itself).
    private const string FindSenderNames = "select id, display_name from users where id = any(@Ids)";

    private const string FindAttachments = $"select {AttachmentRepository.Columns} from attachments where id = any(@Ids)";

    /// <summary>
    /// Stores <paramref name="batch"/> and commits. The answer for each message, in batch order:
    /// the new row, the row stored earlier under the same sender and client message id (also
    /// when both copies are in this batch) marked duplicate, null for a room that is gone, or the
    /// refusal its permission threw (that message alone is left out).
    /// </summary>
    /// <remarks>
    /// <paramref name="retried"/> says an earlier call with the same batch failed, perhaps after
    /// its commit went through (the connection broke before the answer came back). Storing the
    /// batch again is then safe: each message keeps the id the writer gave it, so a message that
    /// is already stored under that id is answered with its row, as the first call would have
    /// answered (not as a duplicate: this is no resend, and its delivery is still to come); the
    /// rest are stored now. Nothing is stored twice, and nobody is answered twice.
    /// </remarks>
    public static async Task<BatchOutcome[]> WriteAsync(
        NpgsqlConnection connection, IReadOnlyList<BatchItem> batch, bool retried, CancellationToken cancellationToken)
    {
        try
        {
            // Resends are rare (a lost ack, a reconnect), so a batch first goes without looking
            // its client message ids up: the unique index checks them anyway as the rows go in.
            return await WriteOnceAsync(connection, batch, lookUpOwn: retried, lookUpResends: false, cancellationToken);
        }
        catch (PostgresException e) when (e.IsUniqueViolation() && e.ConstraintName == ClientKeyIndex)
        {
            // Nothing of the first try was kept; this one outcomes the resends with their first rows.
            return await WriteOnceAsync(connection, batch, lookUpOwn: retried, lookUpResends: true, cancellationToken);
        }
    }

    /// <summary>One try at <see cref="WriteAsync"/>: one transaction, committed or rolled back.</summary>
    private static async Task<BatchOutcome[]> WriteOnceAsync(
        NpgsqlConnection connection, IReadOnlyList<BatchItem> batch, bool lookUpOwn, bool lookUpResends, CancellationToken cancellationToken)
    {
        var outcomes = new BatchOutcome[batch.Count];
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var state = await ReadAsync(connection, transaction, batch, lookUpOwn, lookUpResends, cancellationToken);
        var allowed = CheckPermissions(batch, state, outcomes);

        // Seqs in arrival order, so one sender's messages to a room keep the order they were sent in.
        var inserts = new List<(int Index, long Seq)>(batch.Count);
        var firstOfKey = new Dictionary<ClientKey, int>(batch.Count);
        var repeats = new List<(int Index, int First)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i].Message;
            if (!allowed[i])
            {
                continue;
            }

            if (state.Own.TryGetValue(message.Id, out var own))
            {
                outcomes[i] = new BatchOutcome(new AppendResult(own, Duplicate: false));
                if (ClientKey.Of(message) is { } ownKey)
                {
                    // A copy later in the batch is a resend of this one.
                    firstOfKey[ownKey] = i;
                }

                continue;
            }

            if (ClientKey.Of(message) is { } key)
            {
                if (state.Stored.TryGetValue(key, out var earlier))
                {
                    outcomes[i] = new BatchOutcome(new AppendResult(earlier, Duplicate: true));
                    continue;
                }

                if (firstOfKey.TryGetValue(key, out var first))
                {
                    repeats.Add((i, first));
                    continue;
                }

                firstOfKey[key] = i;
            }

            inserts.Add((i, RoomSequence.Next(state.LastSeqs, message.RoomId)));
        }

        if (inserts.Count > 0)
        {
            await InsertAndCommitAsync(connection, transaction, batch, inserts, cancellationToken);
            foreach (var (index, seq) in inserts)
            {
                outcomes[index] = new BatchOutcome(new AppendResult(Stored(batch[index].Message, seq, state), Duplicate: false));
            }
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var (index, first) in repeats)
        {
            outcomes[index] = new BatchOutcome(outcomes[first].Result is { } original ? original with { Duplicate = true } : null);
        }

        return outcomes;
    }

    /// <summary>
    /// Locks the batch's rooms and reads what deciding on its messages takes, in one round trip:
    /// each room's last seq (a room that is gone has none), the room state of every sender whose
    /// permission is checked, on a retried call the batch's own messages an earlier call stored,
    /// on a second try the messages already stored under the batch's client message ids (see
    /// <see cref="WriteAsync"/>), and
    /// what the acks show that the batch does not carry: the names of senders without a state
    /// and the descriptions of attached files. The statements run in this order, so everything
    /// after the first is read under the locks.
    /// </summary>
    private static async Task<BatchState> ReadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<BatchItem> batch,
        bool lookUpOwn,
        bool lookUpResends,
        CancellationToken cancellationToken)
    {
        // Sized for the whole batch up front: grown by doubling, the batch's sets and maps
        // allocated about as much again in arrays they outgrew.
        var senders = new HashSet<(Guid RoomId, Guid UserId)>(batch.Count);
        foreach (var item in batch)
        {
            if (item.Permission is not null)
            {
                senders.Add((item.Message.RoomId, item.Message.SenderId));
            }
        }

        var keyed = lookUpResends ? batch.Select(item => item.Message).Where(m => m.ClientMessageId is not null).ToArray() : [];
        var unnamed = batch.Where(item => item.Permission is null).Select(item => item.Message.SenderId).Distinct().ToArray();
        var attached = batch.Select(item => item.Message.AttachmentId).OfType<Guid>().Distinct().ToArray();
        await using var reads = new NpgsqlBatch(connection, transaction) { BatchCommands = { RoomSequence.LockCommand([.. batch.Select(item => item.Message.RoomId).Distinct()]) } };
        if (senders.Count > 0)
        {
            reads.BatchCommands.Add(UserRoomStates.Command(senders));
        }

        if (lookUpOwn)
        {
            reads.BatchCommands.Add(ByIds(FindOwn, [.. batch.Select(item => item.Message.Id)]));
        }

        if (keyed.Length > 0)
        {
            reads.BatchCommands.Add(FindStoredCommand(keyed));
        }

        if (unnamed.Length > 0)
        {
            reads.BatchCommands.Add(ByIds(FindSenderNames, unnamed));
        }

        if (attached.Length > 0)
        {
            reads.BatchCommands.Add(ByIds(FindAttachments, attached));
        }

        await using var reader = await reads.ExecuteReaderAsync(cancellationToken);
        var lastSeqs = await RoomSequence.ReadLastAsync(reader, batch.Count, cancellationToken);

        var senderStates = senders.Count > 0 && await reader.NextResultAsync(cancellationToken)
            ? await UserRoomStates.ReadRowsAsync(reader, senders.Count, cancellationToken)
            : [];
        var own = new Dictionary<Guid, StoredMessage>();
        if (lookUpOwn && await reader.NextResultAsync(cancellationToken))
        {
            var parse = reader.GetRowParser<StoredMessage>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = parse(reader);
                own[row.Id] = row;
            }
        }

        var stored = new Dictionary<ClientKey, StoredMessage>();
        if (keyed.Length > 0 && await reader.NextResultAsync(cancellationToken))
        {
            var parse = reader.GetRowParser<StoredMessage>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = parse(reader);
                stored[new ClientKey(row.RoomId, row.SenderId, row.ClientMessageId!.Value)] = row;
            }
        }

        var unnamedSenders = new Dictionary<Guid, string>(unnamed.Length);
        if (unnamed.Length > 0 && await reader.NextResultAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                unnamedSenders[reader.GetGuid(0)] = reader.GetString(1);
            }
        }

        var attachments = new Dictionary<Guid, StoredAttachment>(attached.Length);
        if (attached.Length > 0 && await reader.NextResultAsync(cancellationToken))
        {
            var parse = reader.GetRowParser<StoredAttachment>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var attachment = parse(reader);
                attachments[attachment.Id] = attachment;
            }
        }

        return new BatchState(lastSeqs, senderStates, own, stored, unnamedSenders, attachments);
    }

    /// <summary>
    /// The row <see cref="Insert"/> stores for <paramref name="message"/>, as a read would return
    /// it: the message's own values (its time already cut to PostgreSQL's microseconds by the
    /// clock), its seq, its sender's name and its file's description.
    /// </summary>
    private static StoredMessage Stored(NewMessage message, long seq, BatchState state)
    {
        var attachment = message.AttachmentId is { } attachmentId ? state.Attachments.GetValueOrDefault(attachmentId) : null;
        return new StoredMessage
        {
            Id = message.Id,
            RoomId = message.RoomId,
            Seq = seq,
            SenderId = message.SenderId,
            SenderName = SenderName(message, state),
            ClientMessageId = message.ClientMessageId,
            Type = message.Type,
            Content = message.Content,
            ToUserId = message.ToUserId,
            ReplyToId = message.ReplyToId,
            AttachmentId = message.AttachmentId,
            Metadata = message.Metadata,
            SentAt = message.SentAt,
            ThreadRootId = message.ThreadRootId,
            AlsoToRoom = message.AlsoToRoom,
            Mentions = message.Mentions,
            MentionsRoom = message.MentionsRoom,
            AttachmentFileName = attachment?.FileName,
            AttachmentContentType = attachment?.ContentType,
            AttachmentSize = attachment?.Size,
        };
    }

    // The name comes with the membership in the sender's state in the room; the look-up is for the rest.
    private static string SenderName(NewMessage message, BatchState state) =>
        state.SenderStates.GetValueOrDefault((message.RoomId, message.SenderId))?.Member?.DisplayName
            ?? state.UnnamedSenders.GetValueOrDefault(message.SenderId, "");

    private static NpgsqlBatchCommand ByIds(string sql, Guid[] ids) => new(sql) { Parameters = { new NpgsqlParameter("Ids", ids) } };

    private static NpgsqlBatchCommand FindStoredCommand(NewMessage[] keyed) =>
        new(FindStored)
        {
            Parameters =
            {
                new NpgsqlParameter("RoomIds", keyed.Select(m => m.RoomId).ToArray()),
                new NpgsqlParameter("SenderIds", keyed.Select(m => m.SenderId).ToArray()),
                new NpgsqlParameter("ClientMessageIds", keyed.Select(m => m.ClientMessageId!.Value).ToArray()),
            },
        };

    /// <summary>Which messages go on: their room exists and their permission, if any, let them through.</summary>
    private static bool[] CheckPermissions(IReadOnlyList<BatchItem> batch, BatchState state, BatchOutcome[] outcomes)
    {
        var allowed = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (message, permission) = batch[i];
            allowed[i] = state.LastSeqs.ContainsKey(message.RoomId);
            // A message an earlier call stored was allowed then; it is answered, not judged again.
            if (!allowed[i] || permission is null || state.Own.ContainsKey(message.Id))
            {
                continue;
            }

            try
            {
                // The room's row is locked, so its state row is there.
                permission.EnsureAllowed(state.SenderStates[(message.RoomId, message.SenderId)]);
            }
            catch (Exception refused)
            {
                allowed[i] = false;
                outcomes[i] = new BatchOutcome(null, refused);
            }
        }

        return allowed;
    }

    /// <summary>
    /// Inserts the batch's new rows, bumps its rooms' seqs and commits, in one round trip: an
    /// error in the insert stops the commit, which then never runs, and the transaction is
    /// rolled back as it is disposed.
    /// </summary>
    private static async Task InsertAndCommitAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<BatchItem> batch,
        List<(int Index, long Seq)> inserts,
        CancellationToken cancellationToken)
    {
        var messages = new NewMessage[inserts.Count];
        var seqs = new long[inserts.Count];
        // The last seq of each room is the one its final message took.
        var lastSeqs = new Dictionary<Guid, long>(inserts.Count);
        for (var i = 0; i < inserts.Count; i++)
        {
            var (index, seq) = inserts[i];
            messages[i] = batch[index].Message;
            seqs[i] = seq;
            lastSeqs[messages[i].RoomId] = seq;
        }

        var extended = Array.Exists(messages, m => m.HasThreadOrMentions);
        var insert = new NpgsqlBatchCommand(extended ? InsertWithThreads : Insert)
        {
            Parameters =
            {
                new NpgsqlParameter("Ids", messages.Select(m => m.Id).ToArray()),
                new NpgsqlParameter("RoomIds", messages.Select(m => m.RoomId).ToArray()),
                new NpgsqlParameter("Seqs", seqs),
                new NpgsqlParameter("SenderIds", messages.Select(m => m.SenderId).ToArray()),
                new NpgsqlParameter("ClientMessageIds", messages.Select(m => m.ClientMessageId).ToArray()),
                new NpgsqlParameter("Types", messages.Select(m => DbText.Of(m.Type)).ToArray()),
                new NpgsqlParameter("Contents", messages.Select(m => m.Content).ToArray()),
                new NpgsqlParameter("ToUserIds", messages.Select(m => m.ToUserId).ToArray()),
                new NpgsqlParameter("ReplyToIds", messages.Select(m => m.ReplyToId).ToArray()),
                new NpgsqlParameter("AttachmentIds", messages.Select(m => m.AttachmentId).ToArray()),
                new NpgsqlParameter("Metadata", messages.Select(m => JsonTypeHandlers.ToJson(m.Metadata)).ToArray()),
                new NpgsqlParameter("SentAts", messages.Select(m => m.SentAt).ToArray()),
            },
        };
        insert.Parameters.AddRange(RoomSequence.SetLastParameters(lastSeqs));
        await using var write = new NpgsqlBatch(connection, transaction) { BatchCommands = { insert } };
        if (extended)
        {
            insert.Parameters.Add(new NpgsqlParameter("ThreadRootIds", messages.Select(m => m.ThreadRootId).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("AlsoToRooms", messages.Select(m => m.AlsoToRoom).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("Mentions", messages.Select(m => ArrayLiteral(m.Mentions)).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("MentionsRooms", messages.Select(m => m.MentionsRoom).ToArray()));
            ThreadSummaries.AddCommands(
                write,
                messages.Select((m, i) => (m, i))
                    .Where(x => x.m.ThreadRootId is not null)
                    .Select(x => new ThreadReply(x.m.ThreadRootId!.Value, x.m.SenderId, seqs[x.i], x.m.SentAt)));
        }

        write.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
        // No count of stored rows to check: the insert has no condition and no conflict clause,
        // so it stores every row or fails, and a failure never reaches the commit.
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    // PostgreSQL's text form of a uuid[]: ids need no quoting.
    private static string? ArrayLiteral(Guid[]? ids) => ids is null ? null : "{" + string.Join(',', ids) + "}";

    /// <summary>What a batch reads before it decides: see <see cref="ReadAsync"/>.</summary>
    private sealed record BatchState(
        Dictionary<Guid, long> LastSeqs,
        Dictionary<(Guid RoomId, Guid UserId), UserRoomState> SenderStates,
        Dictionary<Guid, StoredMessage> Own,
        Dictionary<ClientKey, StoredMessage> Stored,
        Dictionary<Guid, string> UnnamedSenders,
        Dictionary<Guid, StoredAttachment> Attachments);

    /// <summary>What makes a send idempotent: the sender's client message id within a room.</summary>
    private readonly record struct ClientKey(Guid RoomId, Guid SenderId, Guid ClientMessageId)
    {
        public static ClientKey? Of(NewMessage message) =>
            message.ClientMessageId is { } id ? new ClientKey(message.RoomId, message.SenderId, id) : null;
    }
}

/// <summary>A message for a batch, with the check its sender must pass (none for messages the service itself writes).</summary>
internal readonly record struct BatchItem(NewMessage Message, ISendPermission? Permission = null);

/// <summary>What a batch did with one message: its result (null for a room that is gone), or why it was refused.</summary>
internal readonly record struct BatchOutcome(AppendResult? Result, Exception? Error = null);
