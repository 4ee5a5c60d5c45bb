using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>Stores which rooms' notifications each user muted.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class RoomNotificationRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>Mutes or unmutes the room's notifications for the user.</summary>
    /// <remarks>Retried: muting a muted room, or unmuting an unmuted one, changes nothing.</remarks>
    public Task SetMutedAsync(Guid userId, Guid roomId, bool muted, DateTime at, CancellationToken cancellationToken = default)
    {
        var sql = muted
            ? "insert into room_notification_mutes (user_id, room_id, muted_at) values (@UserId, @RoomId, @At) on conflict do nothing"
            : "delete from room_notification_mutes where user_id = @UserId and room_id = @RoomId";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                sql, new { UserId = userId, RoomId = roomId, At = at }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>The rooms whose notifications the user muted.</summary>
    public Task<HashSet<Guid>> MutedRoomsAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        const string sql = "select room_id from room_notification_mutes where user_id = @UserId";
        return pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<Guid>(
                new CommandDefinition(sql, new { UserId = userId }, cancellationToken: token))).ToHashSet(),
            cancellationToken);
    }

    /// <summary>Whether the user muted the room's notifications.</summary>
    public Task<bool> IsMutedAsync(Guid userId, Guid roomId, CancellationToken cancellationToken = default)
    {
        const string sql = "select exists (select 1 from room_notification_mutes where user_id = @UserId and room_id = @RoomId)";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteScalarAsync<bool>(
                new CommandDefinition(sql, new { UserId = userId, RoomId = roomId }, cancellationToken: token)),
            cancellationToken);
    }
}
