using Chat.Contracts;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;

namespace Chat.Data.Webhooks;

/// <summary>Stores the webhook endpoints and their deliveries: registration, the delivery workers' claims and outcomes, and the clean-up.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class WebhookRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    private const string Columns = "id, room_id, url, events, secret, created_by, created_at";

    private const string ReadColumns = $"{Columns}, paused_at";

    private const string DeliveryColumns = """
        id, event_type, created_at, status, attempts, last_status_code, last_error, delivered_at,
        case when status = 'pending' then next_attempt_at end as next_attempt_at
        """;

    /// <summary>
    /// Stores <paramref name="webhook"/> unless its room (or, for a global one, the global scope)
    /// has <paramref name="limit"/> endpoints already; false then.
    /// </summary>
    /// <remarks>
    /// Not retried: a second try after a lost commit would fail on the id, stored already. The
    /// scope's lock makes two registrations at once count each other.
    /// </remarks>
    public async Task<bool> CreateAsync(StoredWebhook webhook, int limit, CancellationToken cancellationToken = default)
    {
        const string lockScope = "select pg_advisory_xact_lock(hashtextextended('webhooks:' || coalesce(cast(@RoomId as uuid)::text, 'global'), 0))";
        const string insert = $"""
            insert into webhooks ({Columns})
            select @Id, @RoomId, @Url, @Events, @Secret, @CreatedBy, @CreatedAt
            where (select count(*) from webhooks where room_id is not distinct from cast(@RoomId as uuid)) < @Limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(lockScope, new { webhook.RoomId }, transaction, cancellationToken: cancellationToken));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            insert,
            new { webhook.Id, webhook.RoomId, webhook.Url, webhook.Events, webhook.Secret, webhook.CreatedBy, webhook.CreatedAt, Limit = limit },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return inserted == 1;
    }

    /// <summary>The endpoints of a room, or the global ones when <paramref name="roomId"/> is null, oldest first.</summary>
    public Task<IReadOnlyList<StoredWebhook>> ListAsync(Guid? roomId, CancellationToken cancellationToken = default)
    {
        const string sql = $"select {ReadColumns} from webhooks where room_id is not distinct from cast(@RoomId as uuid) order by created_at, id";
        return pipeline.ExecuteAsync<IReadOnlyList<StoredWebhook>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredWebhook>(new CommandDefinition(
                sql, new { RoomId = roomId }, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    public Task<StoredWebhook?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        const string sql = $"select {ReadColumns} from webhooks where id = @Id";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<StoredWebhook>(new CommandDefinition(sql, new { Id = id }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Deletes an endpoint with its deliveries, pending ones included: none is attempted after this.</summary>
    /// <remarks>Retried: deleting again deletes nothing, and the caller has found the endpoint already.</remarks>
    public Task DeleteAsync(Guid id, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition("delete from webhooks where id = @Id", new { Id = id }, cancellationToken: token)),
            cancellationToken);

    /// <summary>The endpoint's latest <paramref name="limit"/> deliveries, the latest first.</summary>
    public Task<IReadOnlyList<StoredWebhookDelivery>> DeliveriesAsync(Guid webhookId, int limit, CancellationToken cancellationToken = default)
    {
        const string sql = $"""
            select {DeliveryColumns} from webhook_deliveries
            where webhook_id = @WebhookId
            order by created_at desc, id desc
            limit @Limit
            """;
        return pipeline.ExecuteAsync<IReadOnlyList<StoredWebhookDelivery>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<StoredWebhookDelivery>(new CommandDefinition(
                sql, new { WebhookId = webhookId, Limit = limit }, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due deliveries for this node: each is due again only
    /// after <paramref name="lease"/>, so if this node dies holding it another node delivers it
    /// then. Rows other nodes are taking at the same moment are skipped, not waited for.
    /// </summary>
    /// <remarks>
    /// Not through the pipeline: the worker that calls it handles faults itself and tries again
    /// at its next wake-up; a claim whose answer was lost only holds its rows until the lease ends.
    /// </remarks>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        const string sql = """
            with due as (
                select id from webhook_deliveries
                where status = 'pending' and next_attempt_at <= now()
                order by next_attempt_at
                limit @Limit
                for update skip locked)
            update webhook_deliveries d
            set next_attempt_at = now() + @Lease
            from due, webhooks w
            where d.id = due.id and w.id = d.webhook_id
            returning d.id, d.webhook_id, d.event_type, d.room_id, d.created_at, d.attempts, w.url, w.secret
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ClaimedDelivery>(new CommandDefinition(
            sql, new { Limit = limit, Lease = lease }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>What the delivery's <c>data</c> is made from; null when the delivery is gone (its endpoint was deleted).</summary>
    public Task<WebhookEventData?> EventDataAsync(Guid deliveryId, WebhookDataKind kind, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) => kind switch
            {
                WebhookDataKind.Message => (await connection.QueryAsync<PinSnapshot, StoredMessage, WebhookEventData>(
                    new CommandDefinition(MessageData, new { Id = deliveryId }, cancellationToken: token),
                    (pin, message) => new WebhookEventData(Message: message, PinnedBy: pin.PinnedBy, PinnedAt: pin.PinnedAt),
                    splitOn: "id")).SingleOrDefault(),
                WebhookDataKind.Member => await connection.QuerySingleOrDefaultAsync<RoomMember>(new CommandDefinition(
                    MemberData, new { Id = deliveryId }, cancellationToken: token)) is { } member
                    ? new WebhookEventData(Member: member)
                    : null,
                _ => await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                    "select data::text from webhook_deliveries where id = @Id", new { Id = deliveryId }, cancellationToken: token)) is { } json
                    ? new WebhookEventData(Json: json)
                    : null,
            },
            cancellationToken);

    // The snapshot (webhook_message_snapshot) read with the columns of a history read, so the
    // node maps it the way it maps any message; the reactions are the snapshot's too.
    private static readonly string MessageData = $"""
        select (d.data->>'pinned_by')::uuid as pinned_by, (d.data->>'pinned_at')::timestamptz as pinned_at,
            {MessageLog.ColumnsWithReactions("coalesce(d.data->'reactions', '{}')")}
        from webhook_deliveries d
        cross join lateral jsonb_populate_record(null::messages, d.data->'message') m
        cross join lateral jsonb_populate_record(null::users, d.data->'sender') u
        cross join lateral jsonb_populate_record(null::attachments, nullif(d.data->'attachment', 'null')) a
        where d.id = @Id
        """;

    private const string MemberData = $"""
        select {MembershipRepository.MemberColumns}
        from webhook_deliveries d
        cross join lateral jsonb_populate_record(null::room_members, d.data->'member') rm
        cross join lateral jsonb_populate_record(null::users, d.data->'user') u
        where d.id = @Id
        """;

    /// <summary>
    /// Records a 2xx answer: the delivery is done, and its endpoint, which answers after all, has
    /// no failed deliveries in a row any more and is not paused.
    /// </summary>
    /// <remarks>Retried: recording it again changes nothing.</remarks>
    public Task RecordDeliveredAsync(Guid id, int statusCode, CancellationToken cancellationToken = default)
    {
        const string sql = """
            with delivered as (
                update webhook_deliveries
                set status = 'delivered', attempts = attempts + 1, last_status_code = @StatusCode, last_error = null,
                    delivered_at = now(), next_attempt_at = null
                where id = @Id and status = 'pending'
                returning webhook_id)
            update webhooks w set failed_in_a_row = 0, paused_at = null
            from delivered d
            where w.id = d.webhook_id and (w.failed_in_a_row <> 0 or w.paused_at is not null)
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(sql, new { Id = id, StatusCode = statusCode }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>
    /// Records a failed attempt: the delivery is due again after the delay of
    /// <paramref name="retryDelaysSeconds"/> for the attempts made so far, or <c>failed</c> once
    /// they are used up. A failed delivery counts against its endpoint, which is paused once
    /// <paramref name="pauseAfter"/> of them came in a row (never with 0).
    /// </summary>
    /// <remarks>Retried: a second record after a lost commit counts the attempt twice, which only brings the end of the schedule one step closer.</remarks>
    public Task RecordFailedAsync(
        Guid id, int? statusCode, string error, int[] retryDelaysSeconds, int pauseAfter, CancellationToken cancellationToken = default)
    {
        const string sql = """
            with recorded as (
                update webhook_deliveries
                set attempts = attempts + 1, last_status_code = @StatusCode, last_error = @Error,
                    status = case when attempts < cardinality(@Delays) then 'pending' else 'failed' end,
                    next_attempt_at = case when attempts < cardinality(@Delays) then now() + make_interval(secs => (@Delays)[attempts + 1]) end
                where id = @Id and status = 'pending'
                returning webhook_id, status)
            update webhooks w
            set failed_in_a_row = w.failed_in_a_row + 1,
                paused_at = case when @PauseAfter > 0 and w.failed_in_a_row + 1 >= @PauseAfter then coalesce(w.paused_at, now()) else w.paused_at end
            from recorded r
            where w.id = r.webhook_id and r.status = 'failed'
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(
                sql, new { Id = id, StatusCode = statusCode, Error = error, Delays = retryDelaysSeconds, PauseAfter = pauseAfter }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Resumes a paused endpoint: new events reach it again. False when it does not exist.</summary>
    /// <remarks>Retried: resuming it again changes nothing.</remarks>
    public Task<bool> ResumeAsync(Guid id, CancellationToken cancellationToken = default)
    {
        const string sql = "update webhooks set paused_at = null, failed_in_a_row = 0 where id = @Id";
        return pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) => await connection.ExecuteAsync(new CommandDefinition(sql, new { Id = id }, cancellationToken: token)) == 1,
            cancellationToken);
    }

    /// <summary>Gives claimed deliveries back, due now, for a node that stops before it has tried them.</summary>
    /// <remarks>Not retried: should it fail, the lease gives them back a little later.</remarks>
    public async Task ReleaseAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        const string sql = "update webhook_deliveries set next_attempt_at = now() where id = any(@Ids) and status = 'pending'";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { Ids = ids.ToArray() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> finished (delivered or failed) deliveries older
    /// than <paramref name="keep"/>; returns how many. Pending ones stay whatever their age.
    /// </summary>
    /// <remarks>Not retried: the next pass deletes what is left.</remarks>
    public async Task<int> PurgeAsync(TimeSpan keep, int batchSize, CancellationToken cancellationToken = default)
    {
        const string sql = """
            delete from webhook_deliveries
            where id in (select id from webhook_deliveries
                         where status <> 'pending' and created_at < now() - @Keep
                         limit @BatchSize)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { Keep = keep, BatchSize = batchSize }, cancellationToken: cancellationToken));
    }

    private sealed record PinSnapshot
    {
        public Guid? PinnedBy { get; init; }
        public DateTime? PinnedAt { get; init; }
    }
}

/// <summary>What a delivery's <c>data</c> is stored as: a message snapshot, a member snapshot, or the wire form.</summary>
public enum WebhookDataKind
{
    WireForm,
    Message,
    Member,
}

/// <summary>How each event type's <c>data</c> is stored (see migration 19).</summary>
public static class WebhookDataKinds
{
    public static WebhookDataKind Of(string eventType) => eventType switch
    {
        WebhookEventTypes.MessageCreated or WebhookEventTypes.MessageUpdated or WebhookEventTypes.MessageDeleted
            or WebhookEventTypes.MessagePinned => WebhookDataKind.Message,
        WebhookEventTypes.MemberJoined or WebhookEventTypes.MemberRoleChanged => WebhookDataKind.Member,
        _ => WebhookDataKind.WireForm,
    };
}
