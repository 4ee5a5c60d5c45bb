using Chat.Contracts;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>Stores user accounts, profiles and last-known presence.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class UserRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Columns = "id, user_name, display_name, avatar_url, password_hash, role, status, last_seen_at, created_at";

    /// <summary>Stores a new user; false when the userName is taken.</summary>
    /// <remarks>
    /// Not retried: a second try after a commit whose answer was lost would find the name taken
    /// by the very user it stored, and refuse the registration.
    /// </remarks>
    public async Task<bool> CreateAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        const string sql = """
            insert into users (id, user_name, display_name, avatar_url, password_hash, role, status, created_at)
            values (@Id, @UserName, @DisplayName, @AvatarUrl, @PasswordHash, @Role, @Status, @CreatedAt)
            on conflict (user_name) do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                user.Id,
                user.UserName,
                user.DisplayName,
                user.AvatarUrl,
                user.PasswordHash,
                Role = DbText.Of(user.Role),
                Status = DbText.Of(user.Status),
                user.CreatedAt,
            },
            cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public Task<ChatUser?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        const string sql = $"select {Columns} from users where id = @Id";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<ChatUser>(new CommandDefinition(sql, new { Id = id }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Replaces the user's password hash (an upgrade to stronger parameters).</summary>
    /// <remarks>Retried: it sets the same value however often it runs.</remarks>
    public Task SetPasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                "update users set password_hash = @PasswordHash where id = @Id", new { Id = id, PasswordHash = passwordHash }, cancellationToken: token)),
            cancellationToken);

    /// <summary>Finds a user by userName, which is stored lower-case.</summary>
    public Task<ChatUser?> FindByUserNameAsync(string userName, CancellationToken cancellationToken = default)
    {
        const string sql = $"select {Columns} from users where user_name = @UserName";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<ChatUser>(new CommandDefinition(
                sql, new { UserName = userName.ToLowerInvariant() }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Changes display name and avatar; null leaves a field as it is.</summary>
    /// <remarks>Retried: it sets the same values and answers the same row however often it runs.</remarks>
    public Task<ChatUser?> UpdateProfileAsync(
        Guid id, string? displayName, string? avatarUrl, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            update users
            set display_name = coalesce(@DisplayName, display_name),
                avatar_url = coalesce(@AvatarUrl, avatar_url)
            where id = @Id
            returning {Columns}
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<ChatUser>(new CommandDefinition(
                sql, new { Id = id, DisplayName = displayName, AvatarUrl = avatarUrl }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>
    /// Locks the user's presence for one decision (see <see cref="PresenceLock"/>); null when the
    /// user does not exist.
    /// </summary>
    public Task<PresenceLock?> LockPresenceAsync(Guid id, CancellationToken cancellationToken = default) =>
        PresenceLock.AcquireAsync(dataSource, pipeline, id, cancellationToken);

    /// <summary>
    /// Marks everyone who is not offline as offline, last seen <paramref name="lastSeenAt"/>, and
    /// returns how many there were: a single node starting has no connections yet.
    /// </summary>
    /// <remarks>Retried: a second run finds everyone offline already (and counts none, which is only logged).</remarks>
    public Task<int> MarkEveryoneOfflineAsync(DateTime lastSeenAt, CancellationToken cancellationToken = default)
    {
        const string sql = "update users set status = @Offline, last_seen_at = @LastSeenAt where status <> @Offline";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                sql, new { Offline = DbText.Of(PresenceStatus.Offline), LastSeenAt = lastSeenAt }, cancellationToken: token)),
            cancellationToken);
    }
}
