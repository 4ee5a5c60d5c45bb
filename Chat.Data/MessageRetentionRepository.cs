using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>A room whose settings keep messages for a limited number of days.</summary>
public sealed record RetainedRoom
{
    public Guid Id { get; init; }
    public int RetentionDays { get; init; }
}

/// <summary>Finds rooms with a retention limit and deletes their old messages in small batches.</summary>
public sealed class MessageRetentionRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    public Task<IReadOnlyList<RetainedRoom>> RoomsWithRetentionAsync(CancellationToken cancellationToken = default)
    {
        const string sql = """
            select id, (settings->>'retentionDays')::int as retention_days
            from rooms
            where jsonb_typeof(settings->'retentionDays') = 'number'
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<RetainedRoom>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<RetainedRoom>(new CommandDefinition(sql, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>
    /// Deletes those of the room's <paramref name="batchSize"/> oldest messages (by seq) that were
    /// sent before <paramref name="cutoff"/>, with their files unless a live message still shows
    /// one. Each call is its own short statement so that senders to the room never wait long on
    /// its locks.
    /// </summary>
    /// <remarks>
    /// A room's seq follows its sending times (both are taken as a message is sent), so its old
    /// messages are the start of its log: reading that start through the (room_id, seq) index
    /// finds them without an index of sending times, which every stored message would pay for.
    /// Not retried: the retention pass runs again anyway and deletes what is left.
    /// </remarks>
    public async Task<RetentionBatch> DeleteBatchAsync(Guid roomId, DateTime cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            with oldest as materialized (
                select ctid, sent_at from messages
                where room_id = @RoomId
                order by seq
                limit @BatchSize),
            d as (
                delete from messages
                where ctid in (select ctid from oldest where sent_at < @Cutoff)
                returning id, attachment_id),
            {AttachmentRepository.DeleteOrphanedFiles}
            select (select count(*)::int from d) as deleted,
                   (select count(*) from oldest where sent_at < @Cutoff) = @BatchSize as more_may_be_old
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<RetentionBatch>(new CommandDefinition(
            sql, new { RoomId = roomId, Cutoff = cutoff, BatchSize = batchSize }, cancellationToken: cancellationToken));
    }
}

/// <summary>
/// What one retention batch did. <see cref="MoreMayBeOld"/> is judged by the batch's window, not
/// by what this batch deleted: a pass on another node may have deleted part of the same window a
/// moment earlier, and that must not end this pass while old messages remain behind the window.
/// </summary>
public sealed record RetentionBatch
{
    public int Deleted { get; init; }
    public bool MoreMayBeOld { get; init; }
}
