using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>The message a reaction is for, as far as the rules need it.</summary>
public sealed record ReactionTarget
{
    public Guid Id { get; init; }
    public Guid SenderId { get; init; }
    public Guid? ToUserId { get; init; }
    public bool Deleted { get; init; }
}

/// <summary>
/// What adding or removing a reaction did: the message (null when the user cannot see it),
/// whether anything changed, and the emoji's count afterwards.
/// </summary>
public sealed record ReactionOutcome(ReactionTarget? Message, bool Changed, int Count)
{
    /// <summary>An add that nothing came of though nobody has that emoji on the message: the message has all the emoji it may.</summary>
    public bool RefusedNewEmoji => Message is { Deleted: false } && !Changed && Count == 0;
}

/// <summary>Stores who reacted to which message with which emoji.</summary>
public sealed class ReactionRepository(NpgsqlDataSource dataSource)
{
    // "for no key update" makes reactions to one message take turns until commit, so each
    // change counts every change committed before it and concurrent adds end at the right
    // number; it does not conflict with the key-share lock the reactions' foreign key takes.
    private const string LockTarget = """
        select m.id, m.sender_id, m.to_user_id, m.deleted
        from messages m
        where m.id = @MessageId and m.room_id = @RoomId
          and (m.to_user_id is null or m.to_user_id = @UserId or m.sender_id = @UserId)
        for no key update
        """;

    // An emoji the message has already is always taken; a new one only while the message has
    // fewer than @MaxEmoji different ones. The message's lock (above) makes the count exact.
    private const string Insert = """
        insert into message_reactions (message_id, user_id, emoji, created_at)
        select @MessageId, @UserId, @Emoji, @At
        where exists (select 1 from message_reactions where message_id = @MessageId and emoji = @Emoji)
           or (select count(distinct emoji) from message_reactions where message_id = @MessageId) < @MaxEmoji
        on conflict do nothing
        """;

    private const string Delete = """
        delete from message_reactions
        where message_id = @MessageId and user_id = @UserId and emoji = @Emoji
        """;

    private const string Count = "select count(*)::int from message_reactions where message_id = @MessageId and emoji = @Emoji";

    /// <summary>
    /// Adds the user's reaction unless it is there already, the message is deleted, or the emoji is
    /// new to a message that has <paramref name="maxEmoji"/> different ones already.
    /// </summary>
    public Task<ReactionOutcome> AddAsync(
        Guid roomId, Guid messageId, Guid userId, string emoji, DateTime at, int maxEmoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            Insert,
            new { RoomId = roomId, MessageId = messageId, UserId = userId, Emoji = emoji, At = at, MaxEmoji = (long)maxEmoji },
            cancellationToken);

    /// <summary>Removes the user's reaction if it is there and the message is not deleted.</summary>
    public Task<ReactionOutcome> RemoveAsync(
        Guid roomId, Guid messageId, Guid userId, string emoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(Delete, new { RoomId = roomId, MessageId = messageId, UserId = userId, Emoji = emoji }, cancellationToken);

    // Not retried: a second try after a lost commit would find the reaction there (or gone)
    // already and answer "nothing changed", so the change would never be announced.
    private async Task<ReactionOutcome> ChangeAsync(string change, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var target = await connection.QuerySingleOrDefaultAsync<ReactionTarget>(
            new CommandDefinition(LockTarget, parameters, transaction, cancellationToken: cancellationToken));
        if (target is null || target.Deleted)
        {
            return new ReactionOutcome(target, Changed: false, Count: 0);
        }

        var changed = await connection.ExecuteAsync(
            new CommandDefinition(change, parameters, transaction, cancellationToken: cancellationToken)) == 1;
        var count = await connection.ExecuteScalarAsync<int>(
            new CommandDefinition(Count, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new ReactionOutcome(target, changed, count);
    }
}
