using Chat.Contracts;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>The users that are bots, and the rooms they are members of.</summary>
public sealed class BotRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Columns = "id, user_name, display_name, avatar_url, password_hash, role, status, last_seen_at, created_at";

    /// <summary>
    /// Creates the bot's user, or brings its display name up to date; null when a user that is not
    /// a bot already has the name (the operator's declaration must not take over a person's account).
    /// </summary>
    /// <remarks>Retried: it leaves the same row however often it runs.</remarks>
    public Task<ChatUser?> DeclareAsync(Guid newId, string userName, string displayName, DateTime now, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            insert into users (id, user_name, display_name, role, status, created_at)
            values (@Id, @UserName, @DisplayName, 'bot', 'online', @Now)
            on conflict (user_name) do update set display_name = excluded.display_name
                where users.role = 'bot'
            returning {Columns}
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<ChatUser>(new CommandDefinition(
                sql, new { Id = newId, UserName = userName.ToLowerInvariant(), DisplayName = displayName, Now = now }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>The ids of the rooms that have at least one bot among their members.</summary>
    public Task<IReadOnlyList<Guid>> RoomsWithBotsAsync(CancellationToken cancellationToken = default)
    {
        const string sql = """
            select distinct rm.room_id from room_members rm join users u on u.id = rm.user_id
            where u.role = 'bot'
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<Guid>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<Guid>(new CommandDefinition(sql, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>The bots among the room's members, with the room's settings.</summary>
    public Task<RoomBots?> OfRoomAsync(Guid roomId, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select r.settings from rooms r where r.id = @RoomId;
            select rm.user_id from room_members rm join users u on u.id = rm.user_id
            where rm.room_id = @RoomId and u.role = 'bot';
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) =>
            {
                using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { RoomId = roomId }, cancellationToken: token));
                var settings = await results.ReadSingleOrDefaultAsync<RoomSettings>();
                var bots = (await results.ReadAsync<Guid>()).AsList();
                return settings is null ? null : new RoomBots(roomId, settings, bots);
            },
            cancellationToken);
    }
}

/// <summary>A room's settings and the user ids of its bots.</summary>
public sealed record RoomBots(Guid RoomId, RoomSettings Settings, IReadOnlyList<Guid> BotIds);
