using Chat.Data.Resilience;
using Chat.Data.Webhooks;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>How pinning a message went.</summary>
public enum PinOutcome
{
    /// <summary>Pinned now.</summary>
    Pinned,

    /// <summary>It was pinned already; nothing changed.</summary>
    AlreadyPinned,

    /// <summary>The room holds as many pins as it may.</summary>
    Full,

    /// <summary>The message is missing, private or deleted.</summary>
    NotPinnable,
}

/// <summary>
/// Pins: a pinned message carries when and by whom (<c>messages.pinned_at</c>, <c>pinned_by</c>),
/// so a deleted message loses its pin with its words and retention takes it with its row.
/// </summary>
public sealed class PinRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Pin = $"""
        with m as (
            update messages set pinned_at = @Now, pinned_by = @PinnedBy
            where id = @MessageId and room_id = @RoomId and pinned_at is null and not deleted and to_user_id is null
              and (select count(*) from messages p where p.room_id = @RoomId and p.pinned_at is not null) < @MaxPins
            returning *)
        select {MessageLog.Columns}
        from m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        """;

    private const string FindPinnable = $"""
        select {MessageLog.Columns}
        from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        where m.id = @MessageId and m.room_id = @RoomId and not m.deleted and m.to_user_id is null
        """;

    private const string Unpin = """
        update messages set pinned_at = null, pinned_by = null
        where id = @MessageId and room_id = @RoomId and pinned_at is not null
        """;

    /// <summary>
    /// Pins a message of the room unless the room holds <paramref name="maxPins"/> pins already;
    /// the message as it is afterwards (pinned by whoever pinned it first), or null when it
    /// cannot be pinned.
    /// </summary>
    /// <remarks>
    /// Pins of one room are counted and added under a transaction-scoped lock of the room's pins,
    /// so two moderators pinning at once never pass the cap together; the room's row is not
    /// locked, so sends to it never wait on a pin. Not retried: a second try after a lost commit
    /// would answer "already pinned", and the pin would never be announced.
    /// </remarks>
    public async Task<(PinOutcome Outcome, StoredMessage? Message)> PinAsync(
        Guid roomId, Guid messageId, Guid pinnedBy, DateTime now, int maxPins, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtextextended(@Key, 0))",
            new { Key = $"pins:{roomId:N}" },
            transaction,
            cancellationToken: cancellationToken));
        var ids = new { RoomId = roomId, MessageId = messageId };
        var pinned = await connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
            Pin, new { ids.RoomId, ids.MessageId, PinnedBy = pinnedBy, Now = now, MaxPins = maxPins }, transaction, cancellationToken: cancellationToken));
        if (pinned is not null)
        {
            await WebhookOutbox.EmitPinnedAsync(connection, transaction, roomId, messageId, pinnedBy, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (PinOutcome.Pinned, pinned);
        }

        // Nothing changed: say why, from the row as it is.
        var message = await connection.QuerySingleOrDefaultAsync<StoredMessage>(new CommandDefinition(
            FindPinnable, ids, transaction, cancellationToken: cancellationToken));
        return message switch
        {
            null => (PinOutcome.NotPinnable, null),
            { PinnedAt: not null } => (PinOutcome.AlreadyPinned, message),
            _ => (PinOutcome.Full, message),
        };
    }

    /// <summary>Takes the message's pin away; false when it was not pinned (or is missing).</summary>
    /// <remarks>Not retried: a second try after a lost commit would answer "not pinned", and the change would never be announced.</remarks>
    public async Task<bool> UnpinAsync(Guid roomId, Guid messageId, Guid by, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(
                Unpin, new { RoomId = roomId, MessageId = messageId }, transaction, cancellationToken: cancellationToken)) != 1)
        {
            return false;
        }

        await WebhookOutbox.EmitUnpinnedAsync(connection, transaction, roomId, messageId, by, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The room's pinned messages that <paramref name="viewerId"/> may see, the latest pin first.</summary>
    public Task<IReadOnlyList<StoredMessage>> ListAsync(Guid roomId, Guid viewerId, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            select {MessageLog.Columns}
            from messages m join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
            where m.room_id = @RoomId and m.pinned_at is not null and {MessageRepository.Listed}
            order by m.pinned_at desc, m.id desc
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<StoredMessage>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredMessage>(new CommandDefinition(
                sql, new { RoomId = roomId, ViewerId = viewerId }, cancellationToken: token))).AsList(),
            cancellationToken);
    }
}
