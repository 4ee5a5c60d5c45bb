using Chat.Data.Writing;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// Appends one message to a room's log inside a caller's transaction: the per-message writer,
/// streamed messages, joins, leaves and moderation store messages this way; the batched writer
/// stores many at once (see MessageBatch). Both take their seqs from <see cref="RoomSequence"/>.
/// </summary>
internal static class MessageLog
{
    /// <summary>
    /// The columns of <see cref="StoredMessage"/>, for queries over
    /// <c>messages m join users u</c> followed by <see cref="AttachmentJoin"/>.
    /// </summary>
    public const string Columns = $$"""
        {{ColumnsBefore}}
        coalesce((select jsonb_object_agg(x.emoji, x.n)
                  from (select r.emoji, count(*) as n from message_reactions r where r.message_id = m.id group by r.emoji) x),
                 '{}')::text as reactions,
        {{ColumnsAfter}}
        """;

    /// <summary>
    /// <see cref="Columns"/> for the row <see cref="Insert"/> has just stored: a new message has
    /// no reactions, so the per-row look-up is left out.
    /// </summary>
    private const string NewColumns = $$"""
        {{ColumnsBefore}}
        '{}' as reactions,
        {{ColumnsAfter}}
        """;

    /// <summary>
    /// <see cref="Columns"/> with the reactions taken from <paramref name="reactions"/>, a jsonb
    /// expression, instead of the reactions table: for a message read back from a snapshot (the
    /// webhook outbox keeps one of each message as it was when its event happened).
    /// </summary>
    public static string ColumnsWithReactions(string reactions) => $"""
        {ColumnsBefore}
        {reactions}::text as reactions,
        {ColumnsAfter}
        """;

    private const string ColumnsBefore = """
        m.id, m.room_id, m.seq, m.sender_id, u.display_name as sender_name, m.client_message_id,
        m.type, m.content, m.to_user_id, m.reply_to_id, m.attachment_id, m.metadata::text as metadata,
        """;

    private const string ColumnsAfter = """
        m.sent_at, m.edited_at, m.deleted,
        m.status, m.parts::text as parts, m.stream_index, m.error::text as error,
        m.thread_root_id, m.also_to_room, m.reply_count, m.last_reply_at, m.last_reply_seq, m.latest_replier_ids, m.mentions, m.mentions_room,
        m.pinned_at, m.pinned_by,
        a.file_name as attachment_file_name, a.content_type as attachment_content_type, a.size as attachment_size
        """;

    /// <summary>
    /// A message's <c>search_config</c> from its room's row <c>r</c>: the room's searchLanguage,
    /// null for <c>simple</c> (see migration 18).
    /// </summary>
    public const string SearchConfigOfRoom = "nullif(r.settings->>'searchLanguage', 'simple')";

    /// <summary>The attachment's description for <see cref="Columns"/>; never its bytes.</summary>
    public const string AttachmentJoin = "left join attachments a on a.id = m.attachment_id";

    /// <summary>The message a sender stored under a client message id, from <c>@RoomId</c>, <c>@SenderId</c>, <c>@ClientMessageId</c>.</summary>
    public const string FindByClientId = $"""
        select {Columns}
        from messages m join users u on u.id = m.sender_id {AttachmentJoin}
        where m.room_id = @RoomId and m.sender_id = @SenderId and m.client_message_id = @ClientMessageId
        """;

    // A streamed message starts with no parts, before its first streamed part (-1), stored now.
    // The room's row is locked already (its seq was bumped), so its search language is read in
    // the same statement, at no cost of a round trip.
    private const string Insert = $"""
        with m as (
            insert into messages (id, room_id, seq, sender_id, client_message_id, type, content,
                                  to_user_id, reply_to_id, attachment_id, metadata, sent_at,
                                  status, parts, stream_index, streamed_at,
                                  thread_root_id, also_to_room, mentions, mentions_room, search_config)
            values (@Id, @RoomId, @Seq, @SenderId, @ClientMessageId, @Type, @Content,
                    @ToUserId, @ReplyToId, @AttachmentId, cast(@Metadata as jsonb), @SentAt,
                    case when @Streaming then 'streaming' else 'complete' end,
                    case when @Streaming then '[]'::jsonb end,
                    case when @Streaming then -1 end,
                    case when @Streaming then @SentAt end,
                    @ThreadRootId, @AlsoToRoom, @Mentions, @MentionsRoom,
                    (select {SearchConfigOfRoom} from rooms r where r.id = @RoomId))
            on conflict (room_id, sender_id, client_message_id) where client_message_id is not null do nothing
            returning *)
        select {NewColumns}
        from m join users u on u.id = m.sender_id {AttachmentJoin}
        """;

    /// <summary>
    /// Stores <paramref name="message"/> in a transaction of its own, idempotently by client message
    /// id; null when the room is gone. <paramref name="permission"/>, when given, decides under the
    /// room's lock, with the sender's state read in the same transaction.
    /// </summary>
    public static async Task<AppendResult?> StoreAsync(
        NpgsqlDataSource dataSource, NewMessage message, ISendPermission? permission, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (permission is not null)
        {
            var states = await UserRoomStates.ReadAsync(
                connection, transaction, [(message.RoomId, message.SenderId)], cancellationToken, lockRooms: true);
            if (!states.TryGetValue((message.RoomId, message.SenderId), out var state))
            {
                return null;
            }

            permission.EnsureAllowed(state);
        }

        var result = await AppendAsync(connection, transaction, message, cancellationToken);
        if (result is { Duplicate: false })
        {
            await transaction.CommitAsync(cancellationToken);
        }

        // A duplicate or a missing room leaves nothing to keep: disposing rolls the seq bump back.
        return result;
    }

    /// <summary>
    /// Stores <paramref name="message"/> with the room's next seq, or finds the message the sender
    /// already stored under the same client message id (the caller must then roll back). Null
    /// when the room does not exist.
    /// </summary>
    public static async Task<AppendResult?> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, NewMessage message, CancellationToken cancellationToken)
    {
        var seq = await RoomSequence.NextAsync(connection, transaction, message.RoomId, cancellationToken);
        if (seq is null)
        {
            return null;
        }

        // On a repeated client message id the insert does nothing and returns no row; the caller
        // then rolls back, which also undoes the seq bump, so no gap is left.
        var stored = await connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
            Insert,
            new
            {
                message.Id,
                message.RoomId,
                Seq = seq.Value,
                message.SenderId,
                message.ClientMessageId,
                Type = DbText.Of(message.Type),
                message.Content,
                message.ToUserId,
                message.ReplyToId,
                message.AttachmentId,
                Metadata = JsonTypeHandlers.ToJson(message.Metadata),
                message.SentAt,
                message.Streaming,
                message.ThreadRootId,
                message.AlsoToRoom,
                message.Mentions,
                message.MentionsRoom,
            },
            transaction,
            cancellationToken: cancellationToken));
        if (stored is null)
        {
            var existing = await connection.QuerySingleAsync<StoredMessage>(new CommandDefinition(
                FindByClientId,
                new { message.RoomId, message.SenderId, message.ClientMessageId },
                transaction,
                cancellationToken: cancellationToken));
            return new AppendResult(existing, Duplicate: true);
        }

        if (stored.ThreadRootId is not null)
        {
            await using var summary = new NpgsqlBatch(connection, transaction);
            ThreadSummaries.AddCommands(summary, stored);
            await summary.ExecuteNonQueryAsync(cancellationToken);
        }

        return new AppendResult(stored, Duplicate: false);
    }
}
