using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// Refresh tokens by the hash of their value, in families: one per sign-in, one token of it in use
/// at a time. Presenting a token that was already replaced revokes its whole family: either the
/// user or a thief holds a copy, and neither can tell which from here.
/// </summary>
public sealed class RefreshTokenRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Insert = """
        insert into refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at)
        values (@Id, @FamilyId, @UserId, @Hash, @Now, @ExpiresAt)
        on conflict (token_hash) do nothing
        """;

    /// <summary>Stores a new token of <paramref name="familyId"/> (a new family for a sign-in).</summary>
    /// <remarks>Retried: a second try after a lost commit finds the hash stored and stores nothing.</remarks>
    public Task IssueAsync(Guid familyId, Guid userId, byte[] hash, DateTime now, DateTime expiresAt, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                Insert, new { Id = Guid.CreateVersion7(), FamilyId = familyId, UserId = userId, Hash = hash, Now = now, ExpiresAt = expiresAt }, cancellationToken: token)),
            cancellationToken);

    /// <summary>
    /// Replaces the token whose hash is <paramref name="hash"/> with the one whose hash is
    /// <paramref name="newHash"/>, in one transaction. A token that is unknown, revoked or expired
    /// gets <see cref="RefreshOutcome.Refused"/>; one replaced before gets
    /// <see cref="RefreshOutcome.Reused"/> and its family is revoked.
    /// </summary>
    /// <remarks>Not retried: a second try after a lost commit would find its own replacement and revoke the family.</remarks>
    public async Task<(RefreshOutcome Outcome, Guid UserId)> RotateAsync(
        byte[] hash, byte[] newHash, DateTime now, DateTime expiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<StoredRefreshToken>(new CommandDefinition(
            "select id, family_id, user_id, expires_at, used_at, revoked_at from refresh_tokens where token_hash = @Hash for update",
            new { Hash = hash },
            transaction,
            cancellationToken: cancellationToken));
        if (current is null || current.RevokedAt is not null || current.ExpiresAt <= now)
        {
            return (RefreshOutcome.Refused, Guid.Empty);
        }

        if (current.UsedAt is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "update refresh_tokens set revoked_at = @Now where family_id = @FamilyId and revoked_at is null",
                new { current.FamilyId, Now = now },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return (RefreshOutcome.Reused, current.UserId);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "update refresh_tokens set used_at = @Now where id = @Id", new { current.Id, Now = now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new { Id = Guid.CreateVersion7(), current.FamilyId, current.UserId, Hash = newHash, Now = now, ExpiresAt = expiresAt },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (RefreshOutcome.Rotated, current.UserId);
    }

    /// <summary>
    /// Revokes the family of the token whose hash is <paramref name="hash"/>: that sign-in ends.
    /// Returns how many of its tokens were live; nothing happens for an unknown token.
    /// </summary>
    /// <remarks>Retried: revoking twice is revoking once.</remarks>
    public Task<int> RevokeFamilyAsync(byte[] hash, DateTime now, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                """
                update refresh_tokens set revoked_at = @Now
                where family_id = (select family_id from refresh_tokens where token_hash = @Hash) and revoked_at is null
                """,
                new { Hash = hash, Now = now },
                cancellationToken: token)),
            cancellationToken);

    /// <summary>Revokes every refresh token of the user: every sign-in ends at its next refresh. Returns how many were live.</summary>
    /// <remarks>Retried: revoking twice is revoking once.</remarks>
    public Task<int> RevokeUserAsync(Guid userId, DateTime now, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                "update refresh_tokens set revoked_at = @Now where user_id = @UserId and revoked_at is null",
                new { UserId = userId, Now = now },
                cancellationToken: token)),
            cancellationToken);

    /// <summary>Deletes tokens that expired before <paramref name="before"/>; a replaced token is kept until then to catch its reuse.</summary>
    public Task<int> PurgeExpiredAsync(DateTime before, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                "delete from refresh_tokens where expires_at < @Before", new { Before = before }, cancellationToken: token)),
            cancellationToken);

    private sealed class StoredRefreshToken
    {
        public Guid Id { get; init; }
        public Guid FamilyId { get; init; }
        public Guid UserId { get; init; }
        public DateTime ExpiresAt { get; init; }
        public DateTime? UsedAt { get; init; }
        public DateTime? RevokedAt { get; init; }
    }
}

/// <summary>What presenting a refresh token did.</summary>
public enum RefreshOutcome
{
    /// <summary>It was replaced by a new one.</summary>
    Rotated,

    /// <summary>Unknown, revoked or expired: nothing changed.</summary>
    Refused,

    /// <summary>Replaced before: a copy is in someone else's hands, and its family is revoked.</summary>
    Reused,
}
