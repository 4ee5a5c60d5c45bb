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
    /// one; returns how many messages went, fewer than the batch once the old ones are gone. Each
    /// call is its own short statement so that senders to the room never wait long on its locks.
    /// </summary>
    /// <remarks>
    /// A room's seq follows its sending times (both are taken as a message is sent), so its old
    /// messages are the start of its log: reading that start through the (room_id, seq) index
    /// finds them without an index of sending times, which every stored message would pay for.
    /// Not retried: the retention pass runs again anyway and deletes what is left.
    /// </remarks>
    public async Task<int> DeleteBatchAsync(Guid roomId, DateTime cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            with d as (
                delete from messages
                where ctid in (
                    select oldest.ctid
                    from (select ctid, sent_at from messages
                          where room_id = @RoomId
                          order by seq
                          limit @BatchSize) oldest
                    where oldest.sent_at < @Cutoff)
                returning id, attachment_id),
            {AttachmentRepository.DeleteOrphanedFiles}
            select count(*)::int from d
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            sql, new { RoomId = roomId, Cutoff = cutoff, BatchSize = batchSize }, cancellationToken: cancellationToken));
    }
}
