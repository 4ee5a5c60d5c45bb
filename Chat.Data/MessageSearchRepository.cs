using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>A found message, how well it matches, and its matching passage with the matches marked.</summary>
public sealed record MessageSearchRow(StoredMessage Message, double Rank, string Highlight);

/// <summary>
/// Full-text search over the messages of the rooms a user is a member of (PostgreSQL's
/// <c>websearch_to_tsquery</c> over the stored <c>search_vector</c>, see migration 18).
/// </summary>
/// <remarks>
/// Each message is indexed in the language its room had when it was stored, so the query is
/// parsed once in each language the searched rooms have had (<c>rooms.search_languages</c>) and
/// each message is matched against the query in its own. What a user may not see is never
/// found: another's private messages, messages of users they blocked, deleted messages, rooms
/// they are not a member of.
/// </remarks>
public sealed class MessageSearchRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>Where a match starts in <see cref="MessageSearchRow.Highlight"/>; never in the message's own text.</summary>
    public const char MatchStart = '\u0002';

    /// <summary>Where a match ends in <see cref="MessageSearchRow.Highlight"/>.</summary>
    public const char MatchEnd = '\u0003';

    /// <summary>Stands for a <c>&lt;</c> of the message in <see cref="MessageSearchRow.Highlight"/>.</summary>
    public const char LessThan = '\u0004';

    /// <summary>Stands for a <c>&gt;</c> of the message in <see cref="MessageSearchRow.Highlight"/>.</summary>
    public const char GreaterThan = '\u0005';

    // ts_headline drops what its parser takes for HTML tags, so '<' and '>' go in as control
    // characters (as they are indexed, see message_search_vector) and come back as themselves;
    // the markers are taken out of the text first, so every marker in the answer is a match's.
    private const string HeadlineText = @"translate(m.content, E'<>\x02\x03', E'\x04\x05  ')";

    private static readonly string HeadlineOptions = $"StartSel={MatchStart}, StopSel={MatchEnd}, MaxWords=35, MinWords=15";

    private static readonly string InAllRooms = Search(roomFilter: "");

    private static readonly string InOneRoom = Search(roomFilter: "and rm.room_id = @RoomId");

    /// <summary>
    /// The messages matching <paramref name="query"/> (web search syntax) that
    /// <paramref name="viewerId"/> may see, in the room <paramref name="roomId"/> or, when it is
    /// null, in every room they are a member of: best first, <paramref name="limit"/> of them
    /// after skipping <paramref name="offset"/>.
    /// </summary>
    public Task<IReadOnlyList<MessageSearchRow>> SearchAsync(
        Guid viewerId, Guid? roomId, string query, int limit, int offset, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync<IReadOnlyList<MessageSearchRow>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredMessage, Match, MessageSearchRow>(
                new CommandDefinition(
                    roomId is null ? InAllRooms : InOneRoom,
                    new { ViewerId = viewerId, RoomId = roomId, Query = query, Limit = limit, Offset = offset, HeadlineOptions },
                    cancellationToken: token),
                (message, match) => new MessageSearchRow(message, match.Rank, match.Highlight),
                splitOn: "rank")).AsList(),
            cancellationToken);

    /// <summary>
    /// The name of the text search configuration <paramref name="name"/> stands for, as
    /// <c>cast(name as regconfig)</c> finds it; null when there is none.
    /// </summary>
    public Task<string?> FindLanguageAsync(string name, CancellationToken cancellationToken = default)
    {
        const string sql = "select cfgname::text from pg_ts_config where cfgname = @Name and pg_ts_config_is_visible(oid)";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { Name = name }, cancellationToken: token)),
            cancellationToken);
    }

    // The rooms searched: the caller's memberships (a ban or a kick ends one), all of them or one.
    // The query is parsed in each language those rooms have had; a message matches the query in
    // its own. Both conditions that narrow the rows are given as values the index scans can take
    // (the rooms as an array, the queries of all languages as one query): the planner then reads
    // the search index and the rooms' (room_id, seq) index, or both and their intersection,
    // instead of reading every message of the rooms and parsing the query for each. Messages that
    // are not indexed (their vector is empty) are left out by name, as a query of negations only
    // ("-word") matches an empty vector. The page is ranked and cut before the columns and the
    // headline are computed for it alone.
    private static string Search(string roomFilter) => $"""
        with searched as materialized (
            select r.id, r.search_languages
            from room_members rm join rooms r on r.id = rm.room_id
            where rm.user_id = @ViewerId {roomFilter}),
        queries as materialized (
            select l.config, websearch_to_tsquery(l.config::regconfig, @Query) as query
            from (select distinct unnest(search_languages) as config from searched) l),
        hits as (
            select m.id, q.config, q.query, ts_rank(m.search_vector, q.query)::float8 as rank
            from messages m
            join queries q on q.config = coalesce(m.search_config, 'simple') and m.search_vector @@ q.query
            where m.room_id = any(array(select id from searched))
              and m.search_vector @@ (select tsquery_any(query) from queries)
              and not m.deleted and m.type not in ('join', 'leave') and m.status <> 'streaming'
              and {MessageRepository.Listed}
            order by rank desc, m.id desc
            limit @Limit offset @Offset)
        select {MessageLog.Columns},
               h.rank, ts_headline(h.config::regconfig, {HeadlineText}, h.query, @HeadlineOptions) as highlight
        from hits h
        join messages m on m.id = h.id
        join users u on u.id = m.sender_id {MessageLog.AttachmentJoin}
        order by h.rank desc, m.id desc
        """;

    /// <summary>The columns after a found message's own.</summary>
    private sealed record Match
    {
        public double Rank { get; init; }
        public string Highlight { get; init; } = "";
    }
}
