using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>What a send checks of the message it would reply to in a thread.</summary>
public sealed record ThreadRootCandidate
{
    public Guid Id { get; init; }
    public Guid RoomId { get; init; }
    public Guid SenderId { get; init; }
    public Guid? ToUserId { get; init; }
    public Guid? ThreadRootId { get; init; }
    public bool Deleted { get; init; }
}

/// <summary>A thread's root as a reader may see it, a page of its replies, and how far the reader has read it.</summary>
public sealed record ThreadRead(StoredMessage? Root, IReadOnlyList<StoredMessage> Replies, long LastReadSeq);

/// <summary>A thread a user takes part in, with their read pointer and what they have not read of it.</summary>
public sealed record ThreadListing
{
    public StoredMessage Root { get; init; } = new();
    public long LastReadSeq { get; init; }
    public int UnreadCount { get; init; }
}

/// <summary>
/// Reads threads and their participants' read pointers. Replies are stored by the message writers,
/// which keep the roots' summaries and the participants too (see Writing/ThreadSummaries).
/// </summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class ThreadRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string FindCandidate = """
        select id, room_id, sender_id, to_user_id, thread_root_id, deleted from messages where id = @Id
        """;

    // The root (deleted ones too: their placeholder heads the thread), the replies after a seq the
    // reader may list, and the reader's pointer.
    private const string Read = $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.id = @RootId and m.room_id = @RoomId and {MessageRepository.Visible};

        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.thread_root_id = @RootId and m.room_id = @RoomId and m.seq > @AfterSeq and {MessageRepository.Listed}
        order by m.seq
        limit @Limit;

        select last_read_seq from thread_participants where user_id = @ViewerId and room_id = @RoomId and root_id = @RootId;
        """;

    private const string Latest = $"""
        select * from (
            select {MessageLog.Columns}
            from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
            where m.thread_root_id = @RootId and m.room_id = @RoomId and m.seq < @BeforeSeq and {MessageRepository.Listed}
            order by m.seq desc
            limit @Limit) page
        order by seq
        """;

    // Marking a thread read makes the reader one of its participants.
    private const string MarkRead = """
        insert into thread_participants (user_id, room_id, root_id, last_read_seq)
        values (@UserId, @RoomId, @RootId, @Seq)
        on conflict (user_id, room_id, root_id) do update
            set last_read_seq = excluded.last_read_seq
            where thread_participants.last_read_seq < excluded.last_read_seq
        returning last_read_seq
        """;

    // Unread: others' replies after the pointer that the reader may list, deleted ones left out.
    private const string ListForUser = $"""
        select {MessageLog.Columns}, p.last_read_seq,
            (select count(*)::int from messages t
             where t.thread_root_id = m.id and t.seq > p.last_read_seq and t.sender_id <> @ViewerId and not t.deleted
               and (t.to_user_id is null or t.to_user_id = @ViewerId)
               and not exists (select 1 from user_blocks b where b.blocker_id = @ViewerId and b.blocked_id = t.sender_id)) as unread_count
        from thread_participants p
        join messages m on m.id = p.root_id
        join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where p.user_id = @ViewerId and p.room_id = @RoomId and m.reply_count > 0
        order by m.last_reply_at desc, m.seq desc
        limit @Limit
        """;

    private const string Participants = """
        select user_id from thread_participants where root_id = @RootId and room_id = @RoomId
        """;

    /// <summary>The message a reply would go under, wherever it is; null when there is none.</summary>
    public Task<ThreadRootCandidate?> FindCandidateAsync(Guid messageId, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<ThreadRootCandidate>(new CommandDefinition(
                FindCandidate, new { Id = messageId }, cancellationToken: token)),
            cancellationToken);

    /// <summary>
    /// The root of a thread of the room if <paramref name="viewerId"/> may see it, then the first
    /// <paramref name="limit"/> replies after <paramref name="afterSeq"/> they may list, oldest
    /// first, and their read pointer of the thread (0 when they take no part in it).
    /// </summary>
    public Task<ThreadRead> ReadAsync(
        Guid roomId, Guid rootId, Guid viewerId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) =>
            {
                await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
                    Read,
                    new { RoomId = roomId, RootId = rootId, ViewerId = viewerId, AfterSeq = afterSeq, Limit = limit },
                    cancellationToken: token));
                var root = await grid.ReadSingleOrDefaultAsync<StoredMessage>();
                var replies = (await grid.ReadAsync<StoredMessage>()).AsList();
                var lastRead = await grid.ReadSingleOrDefaultAsync<long?>();
                return new ThreadRead(root, replies, lastRead ?? 0);
            },
            cancellationToken);

    /// <summary>The newest <paramref name="limit"/> replies of a thread before <paramref name="beforeSeq"/> that <paramref name="viewerId"/> may list, oldest first.</summary>
    public Task<IReadOnlyList<StoredMessage>> LatestRepliesAsync(
        Guid roomId, Guid rootId, Guid viewerId, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync<IReadOnlyList<StoredMessage>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredMessage>(new CommandDefinition(
                Latest,
                new { RoomId = roomId, RootId = rootId, ViewerId = viewerId, BeforeSeq = beforeSeq, Limit = limit },
                cancellationToken: token))).AsList(),
            cancellationToken);

    /// <summary>Who takes part in a thread: its root's sender, its repliers and whoever marked it read.</summary>
    public Task<IReadOnlyList<Guid>> ParticipantsAsync(Guid roomId, Guid rootId, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync<IReadOnlyList<Guid>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<Guid>(new CommandDefinition(
                Participants, new { RoomId = roomId, RootId = rootId }, cancellationToken: token))).AsList(),
            cancellationToken);

    /// <summary>
    /// Moves the user's read pointer of the thread forward to <paramref name="seq"/>; true when it
    /// moved, false when it stood there or further already.
    /// </summary>
    /// <remarks>
    /// Retried: moving forward to the same seq again changes nothing. A retry after a commit whose
    /// answer was lost says false, so the move goes unannounced; the pointer itself is stored.
    /// </remarks>
    public Task<bool> MarkReadAsync(Guid roomId, Guid rootId, Guid userId, long seq, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) => await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                MarkRead, new { RoomId = roomId, RootId = rootId, UserId = userId, Seq = seq }, cancellationToken: token)) is not null,
            cancellationToken);

    /// <summary>The threads of the room with replies that <paramref name="viewerId"/> takes part in, the latest reply first.</summary>
    public Task<IReadOnlyList<ThreadListing>> ListForUserAsync(Guid roomId, Guid viewerId, int limit, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync<IReadOnlyList<ThreadListing>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredMessage, ThreadPointer, ThreadListing>(
                new CommandDefinition(ListForUser, new { RoomId = roomId, ViewerId = viewerId, Limit = limit }, cancellationToken: token),
                (root, pointer) => new ThreadListing { Root = root, LastReadSeq = pointer.LastReadSeq, UnreadCount = pointer.UnreadCount },
                splitOn: "last_read_seq")).AsList(),
            cancellationToken);

    /// <summary>The participant's columns of a listing.</summary>
    private sealed record ThreadPointer
    {
        public long LastReadSeq { get; init; }
        public int UnreadCount { get; init; }
    }
}
