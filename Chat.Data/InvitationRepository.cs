using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>A stored invitation; the token itself is never stored, only its hash.</summary>
public sealed record RoomInvitation
{
    public Guid Id { get; init; }
    public byte[] TokenHash { get; init; } = [];
    public Guid RoomId { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTime ExpiresAt { get; init; }
    public int? MaxUses { get; init; }
    public int Uses { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>Stores room invitations and counts their uses.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class InvitationRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <remarks>Not retried: a second try after a lost commit would fail on the invitation's id, stored already.</remarks>
    public async Task CreateAsync(RoomInvitation invitation, CancellationToken cancellationToken = default)
    {
        const string sql = """
            insert into room_invitations (id, token_hash, room_id, created_by, expires_at, max_uses, uses, created_at)
            values (@Id, @TokenHash, @RoomId, @CreatedBy, @ExpiresAt, @MaxUses, 0, @CreatedAt)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, invitation, cancellationToken: cancellationToken));
    }

    public Task<RoomInvitation?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select id, token_hash, room_id, created_by, expires_at, max_uses, uses, created_at
            from room_invitations where token_hash = @TokenHash
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<RoomInvitation>(
                new CommandDefinition(sql, new { TokenHash = tokenHash }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>The room's invitations that may still be used at <paramref name="now"/>, newest first.</summary>
    public Task<IReadOnlyList<RoomInvitation>> ListUsableAsync(Guid roomId, DateTime now, CancellationToken cancellationToken = default)
    {
        const string sql = """
            select id, token_hash, room_id, created_by, expires_at, max_uses, uses, created_at
            from room_invitations
            where room_id = @RoomId and expires_at > @Now and (max_uses is null or uses < max_uses)
            order by created_at desc
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<RoomInvitation>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<RoomInvitation>(
                new CommandDefinition(sql, new { RoomId = roomId, Now = now }, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>Deletes one of the room's invitations; false when the room has none by that id.</summary>
    /// <remarks>Not retried: a second try after a lost commit would find nothing to delete and answer false.</remarks>
    public async Task<bool> DeleteAsync(Guid roomId, Guid invitationId, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from room_invitations where room_id = @RoomId and id = @Id";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(
            new CommandDefinition(sql, new { RoomId = roomId, Id = invitationId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Counts one use when the invitation is still valid at <paramref name="now"/>; false when it
    /// has expired or is used up. One conditional update, so concurrent accepts never exceed max_uses.
    /// </summary>
    /// <remarks>Not retried: each run counts a use, so a second try after a lost commit would count two.</remarks>
    public async Task<bool> TryUseAsync(byte[] tokenHash, DateTime now, CancellationToken cancellationToken = default)
    {
        const string sql = """
            update room_invitations set uses = uses + 1
            where token_hash = @TokenHash and expires_at > @Now and (max_uses is null or uses < max_uses)
            returning uses
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var uses = await connection.QuerySingleOrDefaultAsync<int?>(
            new CommandDefinition(sql, new { TokenHash = tokenHash, Now = now }, cancellationToken: cancellationToken));
        return uses is not null;
    }
}
