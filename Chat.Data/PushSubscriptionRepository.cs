using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>A browser's push subscription: where its push service takes messages, and the keys to encrypt them for.</summary>
public sealed record PushSubscription
{
    public string Endpoint { get; init; } = "";
    public Guid UserId { get; init; }

    /// <summary>The browser's P-256 public key, an uncompressed point of 65 bytes.</summary>
    public byte[] P256dh { get; init; } = [];

    /// <summary>The browser's 16-byte authentication secret.</summary>
    public byte[] Auth { get; init; } = [];
}

/// <summary>Stores the push subscriptions of each user's browsers.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class PushSubscriptionRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Columns = "s.endpoint, s.user_id, s.p256dh, s.auth";

    /// <summary>
    /// Stores a subscription for <paramref name="subscription"/>'s user, or updates it when the
    /// endpoint is known, taking it from another user if need be (a browser belongs to whoever
    /// subscribed in it last). False, and nothing stored, when the user has
    /// <paramref name="maxPerUser"/> other subscriptions already.
    /// </summary>
    /// <remarks>
    /// Retried: a second try after a lost commit finds the endpoint stored and sets the same keys.
    /// The user's row is locked first, so that two subscriptions posted at once cannot both pass
    /// the count.
    /// </remarks>
    public Task<bool> SaveAsync(PushSubscription subscription, int maxPerUser, DateTime at, CancellationToken cancellationToken = default)
    {
        const string lockUser = "select 1 from users where id = @UserId for update";
        const string countOthers = "select count(*)::int from push_subscriptions where user_id = @UserId and endpoint <> @Endpoint";
        const string upsert = """
            insert into push_subscriptions (endpoint, user_id, p256dh, auth, created_at, updated_at)
            values (@Endpoint, @UserId, @P256dh, @Auth, @At, @At)
            on conflict (endpoint) do update
            set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, updated_at = excluded.updated_at
            """;
        var parameters = new { subscription.Endpoint, subscription.UserId, subscription.P256dh, subscription.Auth, At = at };
        return pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                await connection.ExecuteAsync(new CommandDefinition(lockUser, parameters, transaction, cancellationToken: token));
                var others = await connection.ExecuteScalarAsync<int>(new CommandDefinition(countOthers, parameters, transaction, cancellationToken: token));
                if (others >= maxPerUser)
                {
                    return false;
                }

                await connection.ExecuteAsync(new CommandDefinition(upsert, parameters, transaction, cancellationToken: token));
                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Removes one of the user's subscriptions; removing one that is not there changes nothing.</summary>
    /// <remarks>Retried: a second run finds nothing to remove.</remarks>
    public Task RemoveAsync(Guid userId, string endpoint, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from push_subscriptions where user_id = @UserId and endpoint = @Endpoint";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                sql, new { UserId = userId, Endpoint = endpoint }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Removes a subscription its push service says is gone, whoever holds it.</summary>
    /// <remarks>Retried: a second run finds nothing to remove.</remarks>
    public Task RemoveEndpointAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from push_subscriptions where endpoint = @Endpoint";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(sql, new { Endpoint = endpoint }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>
    /// The subscriptions of those of <paramref name="userIds"/> who would be told of something in
    /// <paramref name="roomId"/>: members of the room whose last chosen status is not dnd and who
    /// have not muted the room's notifications.
    /// </summary>
    public Task<IReadOnlyList<PushSubscription>> NotifiableAsync(Guid roomId, Guid[] userIds, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            select {Columns}
            from push_subscriptions s
            join users u on u.id = s.user_id
            join room_members m on m.room_id = @RoomId and m.user_id = s.user_id
            where s.user_id = any(@UserIds)
              and u.chosen_status <> 'dnd'
              and not exists (select 1 from room_notification_mutes n where n.user_id = s.user_id and n.room_id = @RoomId)
            order by s.user_id, s.created_at, s.endpoint
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<PushSubscription>>(
            dataSource,
            async (connection, token) => [.. await connection.QueryAsync<PushSubscription>(
                new CommandDefinition(sql, new { RoomId = roomId, UserIds = userIds }, cancellationToken: token))],
            cancellationToken);
    }
}
