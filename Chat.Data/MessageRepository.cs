using Chat.Data.Resilience;
using Chat.Data.Writing;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>Stores and reads a room's messages.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class MessageRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    // A private message is visible to its sender and its recipient only.
    internal const string Visible = "(m.to_user_id is null or m.to_user_id = @ViewerId or m.sender_id = @ViewerId)";

    // What a reader lists leaves out what the users the reader blocked wrote, as live delivery
    // does; their joins and leaves stay, as they are announced live too.
    internal const string Listed = $"""
        {Visible} and (m.type in ('join', 'leave')
            or not exists (select 1 from user_blocks b where b.blocker_id = @ViewerId and b.blocked_id = m.sender_id))
        """;

    private const string Latest = $"""
        select * from (
            select {MessageLog.Columns}
            from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
            where m.room_id = @RoomId and {Listed} and (@BeforeSeq is null or m.seq < @BeforeSeq)
            order by m.seq desc
            limit @Limit) page
        order by seq
        """;

    private const string After = $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.room_id = @RoomId and {Listed} and m.seq > @AfterSeq and (@BeforeSeq is null or m.seq < @BeforeSeq)
        order by m.seq
        limit @Limit
        """;

    private const string LastOfRooms = $"""
        select distinct on (m.room_id) {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.room_id = any(@RoomIds) and {Listed}
        order by m.room_id, m.seq desc
        """;

    private const string FindVisible = $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.id = @MessageId and m.room_id = @RoomId and {Visible}
        """;

    // "not deleted" in the update itself: an edit racing a delete can never bring the words back.
    private const string Edit = $"""
        with m as (
            update messages set content = @Content, edited_at = @EditedAt
            where id = @MessageId and room_id = @RoomId and not deleted
            returning *)
        select {MessageLog.Columns}
        from m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    // The row stays (its seq is part of the room's gap-free log); its words, metadata, reactions,
    // pin and its file (unless another live message still shows that file) go. Only the call
    // that flips "deleted" gets a row back, so a repeat is a no-op. The row is locked and read
    // first, so the answer says whether this very delete took a pin away.
    private const string Delete = $"""
        with old as (
            select id, pinned_at is not null as pinned from messages
            where id = @MessageId and room_id = @RoomId and not deleted
            for update),
        d as (
            update messages m set deleted = true, content = '', metadata = null, pinned_at = null, pinned_by = null
            from old
            where m.id = old.id and not m.deleted
            returning m.id, m.attachment_id, old.pinned),
        r as (delete from message_reactions where message_id in (select id from d)),
        {AttachmentRepository.DeleteOrphanedFiles}
        select count(*)::int as deleted, coalesce(bool_or(pinned), false) as unpinned from d
        """;

    /// <summary>
    /// Stores a message (idempotently by client message id) in a transaction of its own; null when
    /// the room is gone. <paramref name="permission"/>, when given, decides under the room's lock.
    /// </summary>
    /// <remarks>
    /// Not retried (this is the <c>PerMessage</c> writer, kept to compare against): a second try
    /// after a lost commit would find its own row under the client message id and answer it as a
    /// duplicate, which is never broadcast. The batched writer tells its own rows apart.
    /// </remarks>
    public Task<AppendResult?> AppendAsync(NewMessage message, ISendPermission? permission = null, CancellationToken cancellationToken = default) =>
        MessageLog.StoreAsync(dataSource, message, permission, cancellationToken);

    /// <summary>
    /// A page of the room's history that <paramref name="viewerId"/> may see, oldest first: the
    /// newest <paramref name="limit"/> before <paramref name="beforeSeq"/>, or the oldest after
    /// <paramref name="afterSeq"/> when that is given.
    /// </summary>
    public Task<IReadOnlyList<StoredMessage>> ListAsync(
        Guid roomId, Guid viewerId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        var sql = afterSeq is null ? Latest : After;
        return pipeline.ExecuteAsync<IReadOnlyList<StoredMessage>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredMessage>(new CommandDefinition(
                sql,
                new { RoomId = roomId, ViewerId = viewerId, BeforeSeq = beforeSeq, AfterSeq = afterSeq ?? 0, Limit = limit },
                cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>The newest message <paramref name="viewerId"/> may see in each of the rooms.</summary>
    public async Task<IReadOnlyDictionary<Guid, StoredMessage>> LastOfRoomsAsync(
        IReadOnlyCollection<Guid> roomIds, Guid viewerId, CancellationToken cancellationToken = default)
    {
        if (roomIds.Count == 0)
        {
            return new Dictionary<Guid, StoredMessage>();
        }

        var rows = await pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QueryAsync<StoredMessage>(new CommandDefinition(
                LastOfRooms, new { RoomIds = roomIds.ToArray(), ViewerId = viewerId }, cancellationToken: token)),
            cancellationToken);
        return rows.ToDictionary(m => m.RoomId);
    }

    /// <summary>One message of a room, if <paramref name="viewerId"/> may see it (deleted ones included).</summary>
    public Task<StoredMessage?> FindAsync(Guid roomId, Guid messageId, Guid viewerId, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
                FindVisible, new { RoomId = roomId, MessageId = messageId, ViewerId = viewerId }, cancellationToken: token)),
            cancellationToken);

    /// <summary>Replaces a message's content and stamps the edit; null when it is missing or deleted.</summary>
    /// <remarks>Retried: the same content and time again leave the same row, which it answers again.</remarks>
    public Task<StoredMessage?> EditAsync(
        Guid roomId, Guid messageId, string content, DateTime editedAt, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
                Edit,
                new { RoomId = roomId, MessageId = messageId, Content = content, EditedAt = editedAt },
                cancellationToken: token)),
            cancellationToken);

    /// <summary>
    /// Marks a message deleted, empties it and takes its pin away; <see cref="MessageDeletion.Deleted"/>
    /// is false when it was deleted already (or is missing).
    /// </summary>
    /// <remarks>
    /// Not retried: a second try after a lost commit would answer "deleted already", and the
    /// deletion would never be announced.
    /// </remarks>
    public async Task<MessageDeletion> DeleteAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (deleted, unpinned) = await connection.QuerySingleAsync<(int, bool)>(new CommandDefinition(
            Delete, new { RoomId = roomId, MessageId = messageId }, cancellationToken: cancellationToken));
        return new MessageDeletion(deleted == 1, unpinned);
    }
}

/// <summary>What deleting a message did: whether this call deleted it, and whether it was pinned until then.</summary>
public readonly record struct MessageDeletion(bool Deleted, bool Unpinned);
