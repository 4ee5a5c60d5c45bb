using Chat.Contracts;
using Chat.Data.Resilience;
using Chat.Data.Webhooks;
using Chat.Data.Writing;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>Stores who belongs to which room, with role, mute and receipt pointers, and the bans.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class MembershipRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>A member's columns, of room_members rm joined with users u; the mute is the room's sanction on the user.</summary>
    internal const string MemberColumns = """
        rm.room_id, rm.user_id, u.user_name, u.display_name, rm.role, u.status,
        (select mu.muted_until from room_mutes mu where mu.room_id = rm.room_id and mu.user_id = rm.user_id) as muted_until,
        rm.joined_at, rm.delivered_seq, rm.read_seq, rm.read_at
        """;

    public Task<RoomMember?> FindAsync(Guid roomId, Guid userId, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            select {MemberColumns} from room_members rm join users u on u.id = rm.user_id
            where rm.room_id = @RoomId and rm.user_id = @UserId
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<RoomMember>(new CommandDefinition(
                sql, new { RoomId = roomId, UserId = userId }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>The room's rules, a ban and the membership of <paramref name="userId"/>; null when the room does not exist.</summary>
    public Task<UserRoomState?> RoomStateAsync(Guid roomId, Guid userId, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) =>
            {
                var states = await UserRoomStates.ReadAsync(connection, transaction: null, [(roomId, userId)], token);
                return states.GetValueOrDefault((roomId, userId));
            },
            cancellationToken);

    /// <summary>
    /// A page of the room's members in user id order: the first <paramref name="limit"/> after
    /// <paramref name="afterUserId"/> (from the start when null), so a member who joins or leaves
    /// meanwhile never shifts the pages after them.
    /// </summary>
    public Task<IReadOnlyList<RoomMember>> ListAsync(
        Guid roomId, Guid? afterUserId, int limit, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            select {MemberColumns} from room_members rm join users u on u.id = rm.user_id
            where rm.room_id = @RoomId and rm.user_id > @After
            order by rm.user_id
            limit @Limit
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<RoomMember>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<RoomMember>(new CommandDefinition(
                sql, new { RoomId = roomId, After = afterUserId ?? Guid.Empty, Limit = limit }, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>How many members each of the rooms has (a room with none, or none at all, is absent).</summary>
    public Task<IReadOnlyDictionary<Guid, int>> CountsAsync(IReadOnlyCollection<Guid> roomIds, CancellationToken cancellationToken = default)
    {
        const string sql = "select room_id, count(*)::int from room_members where room_id = any(@RoomIds) group by room_id";
        return pipeline.ExecuteAsync<IReadOnlyDictionary<Guid, int>>(
            dataSource,
            async (connection, token) =>
            {
                var rows = await connection.QueryAsync<(Guid RoomId, int Members)>(new CommandDefinition(
                    sql, new { RoomIds = roomIds.ToArray() }, cancellationToken: token));
                return rows.ToDictionary(r => r.RoomId, r => r.Members);
            },
            cancellationToken);
    }

    /// <summary>How many of the room's members are connected (any status but offline).</summary>
    public Task<int> OnlineCountAsync(Guid roomId, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select count(*)::int from room_members rm join users u on u.id = rm.user_id
            where rm.room_id = @RoomId and u.status <> 'offline'
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { RoomId = roomId }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>The ids of the rooms whose groups a connection of the user belongs in.</summary>
    public Task<IReadOnlyList<Guid>> RoomIdsOfAsync(Guid userId, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(dataSource, (connection, token) => RoomIdsOfAsync(connection, userId, token), cancellationToken);

    /// <summary><see cref="RoomIdsOfAsync(Guid, CancellationToken)"/> on a connection the caller holds already.</summary>
    internal static async Task<IReadOnlyList<Guid>> RoomIdsOfAsync(NpgsqlConnection connection, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = """
            select rm.room_id from room_members rm
            where rm.user_id = @UserId
              and not exists (select 1 from room_bans b where b.room_id = rm.room_id and b.user_id = rm.user_id)
            """;
        var rows = await connection.QueryAsync<Guid>(
            new CommandDefinition(sql, new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// <see cref="RoomIdsOfAsync(Guid, CancellationToken)"/> for many users in one query: the rooms
    /// whose groups each one's connections belong in (a user with none is absent).
    /// </summary>
    public Task<IReadOnlyDictionary<Guid, HashSet<Guid>>> RoomIdsOfAsync(
        IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select rm.user_id, rm.room_id from room_members rm
            where rm.user_id = any(@UserIds)
              and not exists (select 1 from room_bans b where b.room_id = rm.room_id and b.user_id = rm.user_id)
            """;
        return pipeline.ExecuteAsync<IReadOnlyDictionary<Guid, HashSet<Guid>>>(
            dataSource,
            async (connection, token) =>
            {
                var rows = await connection.QueryAsync<(Guid UserId, Guid RoomId)>(new CommandDefinition(
                    sql, new { UserIds = userIds.ToArray() }, cancellationToken: token));
                var rooms = new Dictionary<Guid, HashSet<Guid>>();
                foreach (var (userId, roomId) in rows)
                {
                    if (!rooms.TryGetValue(userId, out var ofUser))
                    {
                        rooms[userId] = ofUser = [];
                    }

                    ofUser.Add(roomId);
                }

                return rooms;
            },
            cancellationToken);
    }

    public Task<bool> IsBannedAsync(Guid roomId, Guid userId, CancellationToken cancellationToken = default)
    {
        const string sql = "select exists (select 1 from room_bans where room_id = @RoomId and user_id = @UserId)";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                sql, new { RoomId = roomId, UserId = userId }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>
    /// Makes the user a member and stores <paramref name="joinMessage"/> in the same transaction,
    /// unless the room has reached its <c>maxMembers</c>. Stores nothing (no message, not full)
    /// when the user was a member already, is banned, or the room is gone.
    /// </summary>
    /// <remarks>
    /// Not retried: a second try after a commit whose answer was lost would find the user a
    /// member already, store nothing and answer as if the join had not happened.
    /// </remarks>
    public async Task<JoinResult> JoinAsync(
        Guid roomId, Guid userId, RoomRole role, NewMessage joinMessage, CancellationToken cancellationToken = default)
    {
        // Joins to one room take turns on its row lock (held to the commit, like every seq bump),
        // so the count below sees every join committed before. It must be a statement of its own
        // after the lock: a statement's snapshot is taken when it starts, before it waits.
        const string lockRoom = "select settings::text from rooms where id = @RoomId for update";
        const string countOthers = "select count(*) from room_members where room_id = @RoomId and user_id <> @UserId";
        const string insert = """
            insert into room_members (room_id, user_id, role, joined_at)
            select @RoomId, @UserId, @Role, @JoinedAt
            where not exists (select 1 from room_bans where room_id = @RoomId and user_id = @UserId)
            on conflict do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await MembershipLock.AcquireAsync(connection, transaction, roomId, userId, cancellationToken);
        var key = new { RoomId = roomId, UserId = userId };
        var settings = await connection.QuerySingleOrDefaultAsync<RoomSettings>(new CommandDefinition(
            lockRoom, key, transaction, cancellationToken: cancellationToken));
        if (settings is null)
        {
            return new JoinResult(null);
        }

        if (settings.MaxMembers is { } cap
            && await connection.ExecuteScalarAsync<long>(new CommandDefinition(countOthers, key, transaction, cancellationToken: cancellationToken)) >= cap)
        {
            return new JoinResult(null, FullAt: cap);
        }

        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            insert,
            new { RoomId = roomId, UserId = userId, Role = DbText.Of(role), JoinedAt = joinMessage.SentAt },
            transaction,
            cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return new JoinResult(null);
        }

        var appended = await MessageLog.AppendAsync(connection, transaction, joinMessage, cancellationToken);
        await WebhookOutbox.EmitMemberAsync(connection, transaction, roomId, userId, WebhookEventTypes.MemberJoined, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new JoinResult(appended?.Message);
    }

    /// <summary>
    /// Ends the membership and stores <paramref name="leaveMessage"/> in the same transaction: a
    /// leave, or a kick when <paramref name="kickedBy"/> names the moderator (with the
    /// <paramref name="reason"/> they gave). Returns the stored leave message, or null when the
    /// user was not a member.
    /// </summary>
    /// <remarks>Not retried: a second try after a lost commit would find no membership and answer null.</remarks>
    public async Task<StoredMessage?> LeaveAsync(
        Guid roomId, Guid userId, NewMessage leaveMessage, Guid? kickedBy = null, string? reason = null, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from room_members where room_id = @RoomId and user_id = @UserId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            sql, new { RoomId = roomId, UserId = userId }, transaction, cancellationToken: cancellationToken));
        if (deleted == 0)
        {
            return null;
        }

        var appended = await MessageLog.AppendAsync(connection, transaction, leaveMessage, cancellationToken);
        var removal = new WebhookMemberEvent(roomId, userId, kickedBy, reason);
        await WebhookOutbox.EmitAsync(connection, transaction, WebhookEventTypes.MemberLeft, removal, cancellationToken);
        if (kickedBy is not null)
        {
            await WebhookOutbox.EmitAsync(connection, transaction, WebhookEventTypes.ModerationKicked, removal, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return appended?.Message;
    }
}
