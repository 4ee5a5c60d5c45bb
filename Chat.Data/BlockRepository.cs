using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>Stores which users each user has blocked.</summary>
public sealed class BlockRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Records a block; blocking again changes nothing.</summary>
    public async Task BlockAsync(Guid blockerId, Guid blockedId, DateTime at, CancellationToken cancellationToken = default)
    {
        const string sql = """
            insert into user_blocks (blocker_id, blocked_id, created_at) values (@BlockerId, @BlockedId, @At)
            on conflict do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            sql, new { BlockerId = blockerId, BlockedId = blockedId, At = at }, cancellationToken: cancellationToken));
    }

    /// <summary>Lifts a block; false when there was none.</summary>
    public async Task<bool> UnblockAsync(Guid blockerId, Guid blockedId, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from user_blocks where blocker_id = @BlockerId and blocked_id = @BlockedId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, new { BlockerId = blockerId, BlockedId = blockedId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The users <paramref name="blockerId"/> has blocked, earliest block first.</summary>
    public async Task<IReadOnlyList<ChatUser>> BlockedByAsync(Guid blockerId, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select u.id, u.user_name, u.display_name, u.avatar_url, u.password_hash, u.role, u.status, u.last_seen_at, u.created_at
            from user_blocks b join users u on u.id = b.blocked_id
            where b.blocker_id = @BlockerId
            order by b.created_at, u.id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ChatUser>(
            new CommandDefinition(sql, new { BlockerId = blockerId }, cancellationToken: cancellationToken))];
    }

    /// <summary>Everyone who has blocked <paramref name="blockedId"/>; served by the blocked_id index.</summary>
    public async Task<Guid[]> BlockersOfAsync(Guid blockedId, CancellationToken cancellationToken = default)
    {
        const string sql = "select blocker_id from user_blocks where blocked_id = @BlockedId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<Guid>(
            new CommandDefinition(sql, new { BlockedId = blockedId }, cancellationToken: cancellationToken))];
    }
}
