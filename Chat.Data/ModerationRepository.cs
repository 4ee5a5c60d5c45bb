using Chat.Contracts;
using Chat.Data.Resilience;
using Chat.Data.Webhooks;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>The outcome of a role change.</summary>
public enum RoleChange
{
    Changed,
    NotMember,
    LastAdmin,
}

/// <summary>Stores role changes, mutes and bans.</summary>
/// <remarks>Each write says whether it goes through <see cref="DatabasePipeline"/> and why.</remarks>
public sealed class ModerationRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>
    /// Gives a member a new role, refusing to take the role of the room's last admin away. The
    /// room's admin rows are locked first, so two admins demoting each other at once cannot leave
    /// the room with none.
    /// </summary>
    /// <remarks>
    /// Retried: a second try after a lost commit finds the role set already, sets it again and
    /// answers Changed as the first did (a member who holds the role is no longer the last admin
    /// to demote, and an admin made admin again is fine).
    /// </remarks>
    public Task<RoleChange> ChangeRoleAsync(Guid roomId, Guid userId, RoomRole role, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(dataSource, (connection, token) => ChangeRoleAsync(connection, roomId, userId, role, token), cancellationToken);

    private static async Task<RoleChange> ChangeRoleAsync(
        NpgsqlConnection connection, Guid roomId, Guid userId, RoomRole role, CancellationToken cancellationToken)
    {
        const string lockAdmins = "select user_id from room_members where room_id = @RoomId and role = 'admin' for update";
        const string current = "select role from room_members where room_id = @RoomId and user_id = @UserId for update";
        const string update = "update room_members set role = @Role where room_id = @RoomId and user_id = @UserId";
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var admins = (await connection.QueryAsync<Guid>(new CommandDefinition(
            lockAdmins, new { RoomId = roomId }, transaction, cancellationToken: cancellationToken))).AsList();
        var currentRole = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            current, new { RoomId = roomId, UserId = userId }, transaction, cancellationToken: cancellationToken));
        if (currentRole is null)
        {
            return RoleChange.NotMember;
        }

        if (role != RoomRole.Admin && admins is [var onlyAdmin] && onlyAdmin == userId)
        {
            return RoleChange.LastAdmin;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            update, new { RoomId = roomId, UserId = userId, Role = DbText.Of(role) }, transaction, cancellationToken: cancellationToken));
        if (currentRole != DbText.Of(role))
        {
            await WebhookOutbox.EmitMemberAsync(connection, transaction, roomId, userId, WebhookEventTypes.MemberRoleChanged, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return RoleChange.Changed;
    }

    /// <summary>
    /// Sets or clears (null) the end of a member's mute, as <paramref name="by"/> asked; false when
    /// the user is not a member.
    /// </summary>
    /// <remarks>
    /// Retried: setting the same end, or clearing it again, answers the same. A mute set again
    /// after a lost commit is announced to webhooks twice; a cleared one only once, as the second
    /// try finds nothing to lift.
    /// </remarks>
    public Task<bool> SetMutedUntilAsync(Guid roomId, Guid userId, DateTime? mutedUntil, Guid by, CancellationToken cancellationToken = default)
    {
        // The mute is kept apart from the membership, so that leaving does not lift it; only a
        // member is muted or unmuted here, as the routes name a member.
        const string mute = """
            insert into room_mutes (room_id, user_id, muted_until)
            select room_id, user_id, @MutedUntil from room_members where room_id = @RoomId and user_id = @UserId
            on conflict (room_id, user_id) do update set muted_until = excluded.muted_until
            """;
        const string unmute = """
            with member as (select 1 from room_members where room_id = @RoomId and user_id = @UserId),
                 lifted as (delete from room_mutes where room_id = @RoomId and user_id = @UserId and exists (select 1 from member) returning 1)
            select (select count(*)::int from member) as members, (select count(*)::int from lifted) as lifted
            """;
        return pipeline.ExecuteAsync(
            dataSource,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                bool member;
                if (mutedUntil is { } until)
                {
                    member = await connection.ExecuteAsync(new CommandDefinition(
                        mute, new { RoomId = roomId, UserId = userId, MutedUntil = until }, transaction, cancellationToken: token)) == 1;
                    if (member)
                    {
                        await WebhookOutbox.EmitAsync(
                            connection, transaction, WebhookEventTypes.ModerationMuted, new WebhookMemberEvent(roomId, userId, by, Until: until), token);
                    }
                }
                else
                {
                    var (members, lifted) = await connection.QuerySingleAsync<(int Members, int Lifted)>(new CommandDefinition(
                        unmute, new { RoomId = roomId, UserId = userId }, transaction, cancellationToken: token));
                    member = members == 1;
                    if (lifted == 1)
                    {
                        await WebhookOutbox.EmitAsync(
                            connection, transaction, WebhookEventTypes.ModerationUnmuted, new WebhookMemberEvent(roomId, userId, by), token);
                    }
                }

                await transaction.CommitAsync(token);
                return member;
            },
            cancellationToken);
    }

    /// <summary>
    /// Bans the user and ends the membership in one transaction, storing <paramref name="leaveMessage"/>
    /// when there was a membership to end. Returns the stored leave message, or null when the user
    /// was not a member (the ban is stored all the same).
    /// </summary>
    /// <remarks>
    /// Not retried: a second try after a lost commit would find the membership ended already and
    /// answer null, so the removal would never be announced.
    /// </remarks>
    public async Task<StoredMessage?> BanAsync(
        Guid roomId, Guid userId, Guid bannedBy, string? reason, NewMessage leaveMessage, CancellationToken cancellationToken = default)
    {
        const string ban = """
            insert into room_bans (room_id, user_id, banned_by, reason, banned_at)
            values (@RoomId, @UserId, @BannedBy, @Reason, @BannedAt)
            on conflict (room_id, user_id) do update set banned_by = excluded.banned_by, reason = excluded.reason
            """;
        const string leave = "delete from room_members where room_id = @RoomId and user_id = @UserId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await MembershipLock.AcquireAsync(connection, transaction, roomId, userId, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            ban,
            new { RoomId = roomId, UserId = userId, BannedBy = bannedBy, Reason = reason, BannedAt = leaveMessage.SentAt },
            transaction,
            cancellationToken: cancellationToken));
        var left = await connection.ExecuteAsync(new CommandDefinition(
            leave, new { RoomId = roomId, UserId = userId }, transaction, cancellationToken: cancellationToken));
        var appended = left == 0 ? null : await MessageLog.AppendAsync(connection, transaction, leaveMessage, cancellationToken);
        var banned = new WebhookMemberEvent(roomId, userId, bannedBy, reason);
        await WebhookOutbox.EmitAsync(connection, transaction, WebhookEventTypes.ModerationBanned, banned, cancellationToken);
        if (left > 0)
        {
            await WebhookOutbox.EmitAsync(connection, transaction, WebhookEventTypes.MemberLeft, banned, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return appended?.Message;
    }

    /// <summary>Lifts a ban, as <paramref name="by"/> asked; false when there was none.</summary>
    /// <remarks>Not retried: a second try after a lost commit would find no ban and answer false.</remarks>
    public async Task<bool> UnbanAsync(Guid roomId, Guid userId, Guid by, CancellationToken cancellationToken = default)
    {
        const string sql = "delete from room_bans where room_id = @RoomId and user_id = @UserId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lifted = await connection.ExecuteAsync(new CommandDefinition(
            sql, new { RoomId = roomId, UserId = userId }, transaction, cancellationToken: cancellationToken)) == 1;
        if (lifted)
        {
            await WebhookOutbox.EmitAsync(
                connection, transaction, WebhookEventTypes.ModerationUnbanned, new WebhookMemberEvent(roomId, userId, by), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return lifted;
    }
}
