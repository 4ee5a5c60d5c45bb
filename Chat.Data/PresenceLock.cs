using System.Buffers.Binary;
using Chat.Contracts;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// A user's stored presence, held under a lock on that user. Whoever locks the same user next,
/// on any node, waits until this one is disposed, so decisions about one user's presence happen
/// one after another and each one sees the last one's outcome.
/// </summary>
/// <remarks>
/// A session-level advisory lock rather than a row lock: a change is committed at once (REST
/// answers with it as soon as anyone hears of it) while the lock is still held for announcing it,
/// so the announcements of one user's changes go out in the order the changes were made.
/// Everything a decision needs from the database while the user is locked it reads on the lock's
/// own connection (<see cref="RoomIdsAsync"/>): a holder that waited for a second pooled
/// connection could wait forever once every connection of the pool is held by a lock, or by a
/// decision waiting for one.
/// </remarks>
public sealed class PresenceLock : IAsyncDisposable
{
    // The two-key form of advisory locks has a key space of its own, apart from the migration
    // lock's single key; the first key sets presence locks apart from any other two-key use.
    private const int PresenceLockClass = 0x50524553;

    private readonly NpgsqlConnection connection;
    private readonly Guid userId;

    private PresenceLock(NpgsqlConnection connection, Guid userId, PresenceStatus status, DateTime? lastSeenAt)
    {
        this.connection = connection;
        this.userId = userId;
        Status = status;
        LastSeenAt = lastSeenAt;
    }

    public PresenceStatus Status { get; private set; }

    public DateTime? LastSeenAt { get; private set; }

    /// <summary>Locks the user and reads the stored presence; null (and nothing held) when there is no such user.</summary>
    /// <remarks>
    /// Retried: nothing is written yet, and a try whose connection broke took its lock with it.
    /// The wait for the lock counts towards the pipeline's time budget.
    /// </remarks>
    internal static Task<PresenceLock?> AcquireAsync(
        NpgsqlDataSource dataSource, DatabasePipeline pipeline, Guid userId, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(token => TryAcquireAsync(dataSource, userId, token), cancellationToken).AsTask();

    private static async ValueTask<PresenceLock?> TryAcquireAsync(NpgsqlDataSource dataSource, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = "select status, last_seen_at from users where id = @Id";
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_advisory_lock(@Class, @Key)", new { Class = PresenceLockClass, Key = KeyOf(userId) }, cancellationToken: cancellationToken));
            var row = await connection.QuerySingleOrDefaultAsync<StoredPresence>(
                new CommandDefinition(sql, new { Id = userId }, cancellationToken: cancellationToken));
            if (row is not null)
            {
                return new PresenceLock(connection, userId, row.Status, row.LastSeenAt);
            }
        }
        catch
        {
            await ReleaseAfterFailureAsync(connection, userId);
            throw;
        }

        await ReleaseAsync(connection, userId);
        return null;
    }

    /// <summary>
    /// The ids of the rooms whose groups the user's connections belong in, read on the lock's
    /// connection (see <see cref="MembershipRepository.RoomIdsOfAsync(Guid, CancellationToken)"/>).
    /// </summary>
    public Task<IReadOnlyList<Guid>> RoomIdsAsync(CancellationToken cancellationToken = default) =>
        MembershipRepository.RoomIdsOfAsync(connection, userId, cancellationToken);

    /// <summary>Stores a new presence; committed at once, visible to every node.</summary>
    /// <remarks>
    /// Not retried: it runs in the lock's session, and a session that broke took the lock with
    /// it, so another try would decide without holding it. The caller's decision fails instead.
    /// </remarks>
    public async Task SetAsync(PresenceStatus status, DateTime? lastSeenAt, CancellationToken cancellationToken = default)
    {
        // chosen_status keeps the last status other than offline: do-not-disturb outlasts the connection.
        const string sql = """
            update users set status = @Status, last_seen_at = @LastSeenAt,
                chosen_status = case when @Status = 'offline' then chosen_status else @Status end
            where id = @Id
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql, new { Id = userId, Status = DbText.Of(status), LastSeenAt = lastSeenAt }, cancellationToken: cancellationToken));
        Status = status;
        LastSeenAt = lastSeenAt;
    }

    /// <summary>Lets the next decision about this user go ahead.</summary>
    public ValueTask DisposeAsync() => ReleaseAsync(connection, userId);

    // Unlocks even when the lock may not have been granted: a call cancelled (out of time) just
    // as the server granted it must still give it back, or the user stays locked until the
    // pooled connection happens to be reset. Best effort: unlocking what is not held only warns,
    // a broken session has dropped its locks already, and the failure to report is the first.
    private static async ValueTask ReleaseAfterFailureAsync(NpgsqlConnection connection, Guid userId)
    {
        try
        {
            await ReleaseAsync(connection, userId);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
        }
    }

    private static async ValueTask ReleaseAsync(NpgsqlConnection connection, Guid userId)
    {
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "select pg_advisory_unlock(@Class, @Key)", new { Class = PresenceLockClass, Key = KeyOf(userId) }));
            }
        }
        finally
        {
            // A session that ends, broken or not, drops its advisory locks with it.
            await connection.DisposeAsync();
        }
    }

    // Users whose keys collide merely wait for each other now and then.
    private static int KeyOf(Guid userId)
    {
        Span<byte> bytes = stackalloc byte[16];
        userId.TryWriteBytes(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes)
            ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[4..])
            ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[8..])
            ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
    }

    private sealed record StoredPresence
    {
        public PresenceStatus Status { get; init; }
        public DateTime? LastSeenAt { get; init; }
    }
}
