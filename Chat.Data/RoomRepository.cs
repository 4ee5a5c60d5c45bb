using System.Globalization;
using Chat.Contracts;
using Chat.Data.Resilience;
using Chat.Data.Webhooks;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>A room in a user's room list, with what the user has not read yet.</summary>
public sealed record RoomListing
{
    public Room Room { get; init; } = new();
    public int UnreadCount { get; init; }

    /// <summary>The user's mentions among what they have not read (see <see cref="MessageRepository.UnreadMentions"/>).</summary>
    public int UnreadMentionCount { get; init; }
}

/// <summary>Stores rooms and their settings.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class RoomRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Columns = """
        r.id, r.name, r.topic, r.is_private, r.settings::text as settings, r.last_seq, r.created_by, r.created_at,
        (select count(*)::int from room_members c where c.room_id = r.id) as member_count,
        (select count(*)::int from messages p where p.room_id = r.id and p.pinned_at is not null) as pinned_count
        """;

    /// <summary>Stores a new room with its creator as the first admin.</summary>
    /// <remarks>Not retried: a second try after a lost commit would fail on the room's id, stored already.</remarks>
    public async Task CreateAsync(Room room, Guid creatorId, CancellationToken cancellationToken = default)
    {
        const string insertRoom = """
            insert into rooms (id, name, topic, is_private, settings, search_languages, created_by, created_at)
            values (@Id, @Name, @Topic, @IsPrivate, cast(@Settings as jsonb), array[@SearchLanguage], @CreatedBy, @CreatedAt)
            """;
        const string insertAdmin = """
            insert into room_members (room_id, user_id, role, joined_at)
            values (@RoomId, @UserId, @Role, @JoinedAt)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            insertRoom,
            new
            {
                room.Id,
                room.Name,
                room.Topic,
                room.IsPrivate,
                Settings = JsonTypeHandlers.ToJson(room.Settings),
                room.Settings.SearchLanguage,
                CreatedBy = creatorId,
                room.CreatedAt,
            },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            insertAdmin,
            new { RoomId = room.Id, UserId = creatorId, Role = DbText.Of(RoomRole.Admin), JoinedAt = room.CreatedAt },
            transaction,
            cancellationToken: cancellationToken));
        // Only a global endpoint can want it: the room had none of its own a moment ago.
        await WebhookOutbox.EmitMemberAsync(connection, transaction, room.Id, creatorId, WebhookEventTypes.MemberJoined, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<Room?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        const string sql = $"select {Columns} from rooms r where r.id = @Id";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<Room>(new CommandDefinition(sql, new { Id = id }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>The rooms <paramref name="userId"/> is a member of, newest activity first.</summary>
    public Task<IReadOnlyList<RoomListing>> ListForMemberAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        return pipeline.ExecuteAsync<IReadOnlyList<RoomListing>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<Room, UnreadCounts, RoomListing>(
                new CommandDefinition(ListForMember, new { UserId = userId }, cancellationToken: token),
                (room, unread) => new RoomListing { Room = room, UnreadCount = unread.UnreadCount, UnreadMentionCount = unread.UnreadMentionCount },
                splitOn: "unread_count")).AsList(),
            cancellationToken);
    }

    // Unread counts what others said in the room's main list that the user may see: joins, leaves,
    // own messages and replies that stay in their thread don't count. Mentions count in threads too.
    private static readonly string ListForMember = $"""
        select {Columns},
            (select count(*)::int from messages m
             where m.room_id = r.id and m.seq > rm.read_seq and m.sender_id <> @UserId and not m.deleted
               and m.type not in ('join', 'leave')
               and {MessageRepository.MainList}
               and (m.to_user_id is null or m.to_user_id = @UserId)) as unread_count,
            (select count(*)::int from messages m
             where {string.Format(CultureInfo.InvariantCulture, MessageRepository.UnreadMentions, "rm.read_seq")}) as unread_mention_count
        from rooms r join room_members rm on rm.room_id = r.id and rm.user_id = @UserId
        order by r.last_seq desc, r.created_at desc
        """;

    /// <summary>The counts of a room listing.</summary>
    private sealed record UnreadCounts
    {
        public int UnreadCount { get; init; }
        public int UnreadMentionCount { get; init; }
    }

    /// <summary>Renames a room or changes its topic; null leaves a field as it is.</summary>
    /// <remarks>Retried: it sets the same values however often it runs.</remarks>
    public async Task<Room?> UpdateAsync(Guid id, string? name, string? topic, CancellationToken cancellationToken = default)
    {
        const string sql = """
            update rooms set name = coalesce(@Name, name), topic = coalesce(@Topic, topic)
            where id = @Id
            """;
        await pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(sql, new { Id = id, Name = name, Topic = topic }, cancellationToken: token)),
            cancellationToken);
        return await FindAsync(id, cancellationToken);
    }

    /// <summary>Replaces a room's settings; null when the room does not exist.</summary>
    /// <remarks>
    /// The search language joins those the room's messages may be indexed in (see
    /// MessageSearchRepository) in the same statement, so no message is stored in a language a
    /// search would not ask in. Retried: it sets the same settings however often it runs.
    /// </remarks>
    public async Task<Room?> UpdateSettingsAsync(Guid id, RoomSettings settings, CancellationToken cancellationToken = default)
    {
        const string sql = """
            update rooms set settings = cast(@Settings as jsonb),
                search_languages = case when @SearchLanguage = any(search_languages) then search_languages
                                        else search_languages || @SearchLanguage end
            where id = @Id
            """;
        var updated = await pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                sql, new { Id = id, Settings = JsonTypeHandlers.ToJson(settings), settings.SearchLanguage }, cancellationToken: token)),
            cancellationToken);
        return updated == 0 ? null : await FindAsync(id, cancellationToken);
    }

    /// <summary>
    /// Public rooms and the private rooms <paramref name="userId"/> belongs to whose lower-case
    /// name contains <paramref name="name"/> (when given) and that have a member called
    /// <paramref name="memberUserName"/> (when given); the closest names first.
    /// </summary>
    public Task<IReadOnlyList<Room>> SearchAsync(
        Guid userId, string? name, string? memberUserName, int limit, CancellationToken cancellationToken = default)
    {
        // Only the filters asked for go into the statement: an "@p is null or ..." filter would
        // keep the planner from using the trigram index for lower(name) like '%q%'.
        var filters = new List<string>
        {
            "(not r.is_private or exists (select 1 from room_members me where me.room_id = r.id and me.user_id = @UserId))",
        };
        if (name is not null)
        {
            filters.Add("lower(r.name) like @Pattern escape '\\'");
        }

        if (memberUserName is not null)
        {
            filters.Add("""
                exists (select 1 from room_members m join users u on u.id = m.user_id
                        where m.room_id = r.id and u.user_name = @Member)
                """);
        }

        var rank = name is null ? "" : "similarity(lower(r.name), @Name) desc, ";
        var sql = $"""
            select {Columns}
            from rooms r
            where {string.Join(" and ", filters)}
            order by {rank}r.name, r.id
            limit @Limit
            """;
        var pattern = name is null ? null : "%" + EscapeLike(name) + "%";
        return pipeline.ExecuteAsync<IReadOnlyList<Room>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<Room>(new CommandDefinition(
                sql,
                new { UserId = userId, Pattern = pattern, Name = name, Member = memberUserName, Limit = limit },
                cancellationToken: token))).AsList(),
            cancellationToken);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
