using Chat.Contracts;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>A room member a message names, by the userName it was named with.</summary>
public sealed record MentionedMember
{
    public Guid UserId { get; init; }
    public string UserName { get; init; } = "";
}

/// <summary>What the userNames a message names stand for in its room, and whether its sender may mention the room.</summary>
public sealed record MentionCandidates(IReadOnlyList<MentionedMember> Members, RoomRole? SenderRole);

/// <summary>Resolves the userNames a message mentions, in one round trip.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>.</remarks>
public sealed class MentionRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    // Members of the room by name, never the sender, nor anyone who blocked the sender: a
    // mention of them counts nothing and notifies nobody. The sender's role is read only when
    // the message says @room.
    private const string Find = """
        select u.id as user_id, u.user_name
        from users u join room_members rm on rm.room_id = @RoomId and rm.user_id = u.id
        where u.user_name = any(@Names) and u.id <> @SenderId
          and not exists (select 1 from user_blocks b where b.blocker_id = u.id and b.blocked_id = @SenderId);

        select role from room_members where room_id = @RoomId and user_id = @SenderId and @AsksRoom;
        """;

    /// <summary>
    /// The members of the room called one of <paramref name="userNames"/> (lower case) whom
    /// <paramref name="senderId"/> may mention, and the sender's role in the room when
    /// <paramref name="asksRoom"/> (null when not asked, or not a member).
    /// </summary>
    public Task<MentionCandidates> FindAsync(
        Guid roomId, Guid senderId, string[] userNames, bool asksRoom, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) =>
            {
                await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
                    Find, new { RoomId = roomId, SenderId = senderId, Names = userNames, AsksRoom = asksRoom }, cancellationToken: token));
                var members = (await grid.ReadAsync<MentionedMember>()).AsList();
                var role = await grid.ReadSingleOrDefaultAsync<string?>();
                return new MentionCandidates(members, role is null ? null : DbText.Parse<RoomRole>(role));
            },
            cancellationToken);
}
