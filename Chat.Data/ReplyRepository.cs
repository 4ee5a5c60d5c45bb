using Chat.Contracts;
using Chat.Data.Resilience;
using Chat.Data.Writing;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// Bots' replies as they stream: stored when they start, stored again as they grow, and ended
/// once; every write after the start is conditional on the reply still streaming, so the node
/// running a reply and a sweeper ending it as an orphan never both end it.
/// </summary>
public sealed class ReplyRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Save = """
        update messages set content = @Content, parts = cast(@Parts as jsonb), stream_index = @StreamIndex, streamed_at = @Now
        where id = @Id and status = 'streaming'
        returning stop_requested_by is not null
        """;

    private const string Finish = $"""
        with m as (
            update messages set status = @Status, content = @Content, parts = cast(@Parts as jsonb),
                                stream_index = @StreamIndex, error = cast(@Error as jsonb), streamed_at = @Now
            where id = @Id and status = 'streaming'
            returning *)
        select {MessageLog.Columns}
        from m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    private const string RequestStop = """
        update messages set stop_requested_by = coalesce(stop_requested_by, @UserId)
        where id = @Id and room_id = @RoomId and status = 'streaming'
        """;

    private const string EndOrphans = $"""
        with m as (
            update messages set status = 'error', error = cast(@Error as jsonb)
            where status = 'streaming' and streamed_at < @Before
            returning *)
        select {MessageLog.Columns}
        from m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    /// <summary>
    /// Stores the start of a streamed message with the room's next seq (status streaming, nothing
    /// in it yet); null when the room is gone. With a <see cref="StreamStart.ClientMessageId"/> the
    /// sender already used, the message stored then is answered as a duplicate.
    /// <paramref name="permission"/>, when given, decides under the room's lock, as for a send.
    /// </summary>
    /// <remarks>Not retried: a second try after a lost commit would start a second message.</remarks>
    public Task<AppendResult?> StartAsync(StreamStart start, ISendPermission? permission = null, CancellationToken cancellationToken = default) =>
        MessageLog.StoreAsync(
            dataSource,
            new NewMessage(
                start.Id, start.RoomId, start.SenderId, start.ClientMessageId, MessageType.Text, "", start.ToUserId, start.ReplyToId,
                AttachmentId: null, Metadata: null, start.Now, Streaming: true, ThreadRootId: start.ThreadRootId),
            permission,
            cancellationToken);

    /// <summary>
    /// Stores what the reply holds so far. Null when the reply no longer streams (a sweeper took
    /// it for an orphan); otherwise whether someone asked for it to stop.
    /// </summary>
    /// <remarks>Retried: it writes the same values however often it runs.</remarks>
    public Task<bool?> SaveAsync(Guid id, ReplyProgress progress, DateTime now, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
                Save,
                new { Id = id, progress.Content, Parts = JsonTypeHandlers.ToJson(progress.Parts), progress.StreamIndex, Now = now },
                cancellationToken: token)),
            cancellationToken);

    /// <summary>Ends the reply with <paramref name="status"/>; null when it had ended already.</summary>
    /// <remarks>Retried: a second try finds the reply ended and changes nothing.</remarks>
    public Task<StoredMessage?> FinishAsync(
        Guid id, MessageStatus status, ReplyProgress progress, MessageErrorDto? error, DateTime now, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
                Finish,
                new
                {
                    Id = id,
                    Status = DbText.Of(status),
                    progress.Content,
                    Parts = JsonTypeHandlers.ToJson(progress.Parts),
                    progress.StreamIndex,
                    Error = JsonTypeHandlers.ToJson(error),
                    Now = now,
                },
                cancellationToken: token)),
            cancellationToken);

    /// <summary>Asks the node running the reply to stop it; false when no such reply streams.</summary>
    /// <remarks>Retried: asking twice is asking once.</remarks>
    public async Task<bool> RequestStopAsync(Guid roomId, Guid id, Guid userId, CancellationToken cancellationToken = default) =>
        await pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                RequestStop, new { RoomId = roomId, Id = id, UserId = userId }, cancellationToken: token)),
            cancellationToken) == 1;

    /// <summary>Ends as errors the replies whose node last stored them before <paramref name="before"/>.</summary>
    /// <remarks>Retried: a second try finds them ended.</remarks>
    public Task<IReadOnlyList<StoredMessage>> EndOrphansAsync(DateTime before, MessageErrorDto error, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync<IReadOnlyList<StoredMessage>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredMessage>(new CommandDefinition(
                EndOrphans, new { Before = before, Error = JsonTypeHandlers.ToJson(error) }, cancellationToken: token))).AsList(),
            cancellationToken);
}

/// <summary>The start of a streamed message: a bot's reply, or what a member streams; in a thread when <see cref="ThreadRootId"/> is given.</summary>
public sealed record StreamStart(
    Guid Id, Guid RoomId, Guid SenderId, Guid? ToUserId, Guid? ReplyToId, Guid? ClientMessageId, DateTime Now, Guid? ThreadRootId = null);

/// <summary>What a reply holds so far: its text, its parts and the index of the last streamed part in them.</summary>
public sealed record ReplyProgress(string Content, IReadOnlyList<MessagePartDto> Parts, int StreamIndex);
