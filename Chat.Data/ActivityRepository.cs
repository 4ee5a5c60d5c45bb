using Chat.Data.Resilience;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Data;

/// <summary>Stores the activity log and counts it for the admin report.</summary>
/// <remarks>
/// No foreign keys on the log: it is history, and a deleted user or room must not delete it or
/// make a batch fail.
/// </remarks>
public sealed class ActivityRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>Appends a batch with one binary COPY: far cheaper than a statement per row.</summary>
    /// <remarks>Not retried: a second copy after a lost commit would log every entry twice.</remarks>
    public async Task AppendAsync(IReadOnlyCollection<ActivityEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync(
            "copy activity (at, user_id, room_id, action) from stdin (format binary)", cancellationToken);
        foreach (var entry in entries)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(entry.At, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(entry.UserId, NpgsqlDbType.Uuid, cancellationToken);
            if (entry.RoomId is { } roomId)
            {
                await copy.WriteAsync(roomId, NpgsqlDbType.Uuid, cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }

            await copy.WriteAsync(entry.Action, NpgsqlDbType.Text, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>How often each action happened per UTC day since <paramref name="since"/>, newest day first.</summary>
    public Task<IReadOnlyList<ActivityCount>> CountsAsync(DateTime since, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select (at at time zone 'UTC')::date::timestamp as day, action, count(*) as count
            from activity
            where at >= @Since
            group by 1, 2
            order by 1 desc, 2
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<ActivityCount>>(
            dataSource,
            async (connection, token) => [.. await connection.QueryAsync<ActivityCount>(
                new CommandDefinition(sql, new { Since = since }, cancellationToken: token))],
            cancellationToken);
    }
}
