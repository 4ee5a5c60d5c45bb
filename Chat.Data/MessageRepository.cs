using System.Globalization;
using Chat.Data.Resilience;
using Chat.Data.Webhooks;
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

    // The room's main list: thread replies show in their thread only, unless sent also to the room.
    internal const string MainList = "(m.thread_root_id is null or m.also_to_room)";

    private static readonly string Latest = LatestWhere("true");
    private static readonly string After = AfterWhere("true");
    private static readonly string LatestOfMainList = LatestWhere(MainList);
    private static readonly string AfterOfMainList = AfterWhere(MainList);

    private static readonly string UnreadMentionCount =
        $"select count(*)::int from messages m, (select @RoomId as id) r where {string.Format(CultureInfo.InvariantCulture, UnreadMentions, "@AfterSeq")}";

    private const string LastOfRooms = $"""
        select distinct on (m.room_id) {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.room_id = any(@RoomIds) and {Listed} and {MainList}
        order by m.room_id, m.seq desc
        """;

    private const string FindVisible = $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.id = @MessageId and m.room_id = @RoomId and {Visible}
        """;

    /// <summary>
    /// The messages of room <c>r</c> after <c>{0}</c> that mention <c>@UserId</c>: by name or
    /// by <c>@room</c>, not their own, not deleted, private ones only when addressed to them, and
    /// none from a sender they blocked. For a count over <c>messages m</c>.
    /// </summary>
    internal const string UnreadMentions = """
        m.room_id = r.id and m.seq > {0} and (@UserId = any(m.mentions) or m.mentions_room)
          and m.sender_id <> @UserId and not m.deleted and (m.to_user_id is null or m.to_user_id = @UserId)
          and not exists (select 1 from user_blocks b where b.blocker_id = @UserId and b.blocked_id = m.sender_id)
        """;

    // "not deleted" in the update itself: an edit racing a delete can never bring the words back.
    // The words are new, so are the mentions found in them.
    private const string Edit = $"""
        with m as (
            update messages set content = @Content, edited_at = @EditedAt, mentions = @Mentions, mentions_room = @MentionsRoom
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
    /// <remarks>
    /// With <paramref name="mainList"/> the page is the room's main list, which leaves out thread
    /// replies not sent also to the room; without it (Sync) it holds every message.
    /// </remarks>
    public Task<IReadOnlyList<StoredMessage>> ListAsync(
        Guid roomId, Guid viewerId, long? beforeSeq, long? afterSeq, int limit, bool mainList, CancellationToken cancellationToken = default)
    {
        var sql = (afterSeq is null, mainList) switch
        {
            (true, true) => LatestOfMainList,
            (true, false) => Latest,
            (false, true) => AfterOfMainList,
            (false, false) => After,
        };
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

    /// <summary>
    /// Replaces a message's content and the mentions found in it, and stamps the edit; null when
    /// it is missing or deleted.
    /// </summary>
    /// <remarks>Retried: the same content and time again leave the same row, which it answers again.</remarks>
    public Task<StoredMessage?> EditAsync(
        Guid roomId,
        Guid messageId,
        string content,
        DateTime editedAt,
        Guid[]? mentions = null,
        bool mentionsRoom = false,
        CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
                Edit,
                new { RoomId = roomId, MessageId = messageId, Content = content, EditedAt = editedAt, Mentions = mentions, MentionsRoom = mentionsRoom },
                cancellationToken: token)),
            cancellationToken);

    /// <summary>How many messages of the room after <paramref name="afterSeq"/> mention <paramref name="userId"/> (see <see cref="UnreadMentions"/>).</summary>
    public Task<int> UnreadMentionCountAsync(Guid roomId, Guid userId, long afterSeq, CancellationToken cancellationToken = default)
    {
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteScalarAsync<int>(new CommandDefinition(
                UnreadMentionCount, new { RoomId = roomId, UserId = userId, AfterSeq = afterSeq }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>
    /// Marks a message deleted, empties it and takes its pin away; <see cref="MessageDeletion.Deleted"/>
    /// is false when it was deleted already (or is missing).
    /// </summary>
    /// <remarks>
    /// Not retried: a second try after a lost commit would answer "deleted already", and the
    /// deletion would never be announced.
    /// </remarks>
    public async Task<MessageDeletion> DeleteAsync(Guid roomId, Guid messageId, Guid deletedBy, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (deleted, unpinned) = await connection.QuerySingleAsync<(int, bool)>(new CommandDefinition(
            Delete, new { RoomId = roomId, MessageId = messageId }, transaction, cancellationToken: cancellationToken));
        if (unpinned)
        {
            // The pin goes with the message: its webhook event too, in the same transaction.
            await WebhookOutbox.EmitUnpinnedAsync(connection, transaction, roomId, messageId, deletedBy, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new MessageDeletion(deleted == 1, unpinned);
    }

    private static string LatestWhere(string filter) => $"""
        select * from (
            select {MessageLog.Columns}
            from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
            where m.room_id = @RoomId and {Listed} and (@BeforeSeq is null or m.seq < @BeforeSeq) and {filter}
            order by m.seq desc
            limit @Limit) page
        order by seq
        """;

    private static string AfterWhere(string filter) => $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.room_id = @RoomId and {Listed} and m.seq > @AfterSeq and (@BeforeSeq is null or m.seq < @BeforeSeq) and {filter}
        order by m.seq
        limit @Limit
        """;
}

/// <summary>What deleting a message did: whether this call deleted it, and whether it was pinned until then.</summary>
public readonly record struct MessageDeletion(bool Deleted, bool Unpinned);
