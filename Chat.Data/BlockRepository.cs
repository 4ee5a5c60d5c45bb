using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>Stores which users each user has blocked.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class BlockRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>Records a block; blocking again changes nothing.</summary>
    /// <remarks>Retried: blocking again changes nothing, and the caller learns nothing from it either way.</remarks>
    public Task BlockAsync(Guid blockerId, Guid blockedId, DateTime at, CancellationToken cancellationToken = default)
    {
        const string sql = """
            insert into user_blocks (blocker_id, blocked_id, created_at) values (@BlockerId, @BlockedId, @At)
            on conflict do nothing
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                sql, new { BlockerId = blockerId, BlockedId = blockedId, At = at }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Lifts a block; false when there was none.</summary>
    /// <remarks>Not retried: a second try after a lost commit would find no block and answer false.</remarks>
    public async Task<bool> UnblockAsync(Guid blockerId, Guid blockedId, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from user_blocks where blocker_id = @BlockerId and blocked_id = @BlockedId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, new { BlockerId = blockerId, BlockedId = blockedId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The users <paramref name="blockerId"/> has blocked, earliest block first.</summary>
    public Task<IReadOnlyList<ChatUser>> BlockedByAsync(Guid blockerId, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select u.id, u.user_name, u.display_name, u.avatar_url, u.password_hash, u.role, u.status, u.last_seen_at, u.created_at
            from user_blocks b join users u on u.id = b.blocked_id
            where b.blocker_id = @BlockerId
            order by b.created_at, u.id
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<ChatUser>>(
            dataSource,
            async (connection, token) => [.. await connection.QueryAsync<ChatUser>(
                new CommandDefinition(sql, new { BlockerId = blockerId }, cancellationToken: token))],
            cancellationToken);
    }

    /// <summary>Everyone who has blocked <paramref name="blockedId"/>; served by the blocked_id index.</summary>
    public Task<Guid[]> BlockersOfAsync(Guid blockedId, CancellationToken cancellationToken = default)
    {
        const string sql = "select blocker_id from user_blocks where blocked_id = @BlockedId";
        return pipeline.ExecuteAsync<Guid[]>(
            dataSource,
            async (connection, token) => [.. await connection.QueryAsync<Guid>(
                new CommandDefinition(sql, new { BlockedId = blockedId }, cancellationToken: token))],
            cancellationToken);
    }
}
