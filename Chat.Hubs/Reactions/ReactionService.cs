using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Reactions;

/// <summary>Adding and removing emoji reactions to messages.</summary>
/// <remarks>A deleted message takes no reactions (<c>gone</c>): its reactions went with its words.</remarks>
public sealed class ReactionService(
    ReactionRepository reactions,
    RoomAccess access,
    RoomBroadcaster broadcaster,
    IOptions<ChatOptions> options,
    TimeProvider clock)
{
    // Changes to one message take turns on this node from the database change to the end of the
    // broadcast, so its ReactionChanged events leave in commit order and the last one a client
    // hears carries the final count. Striped by message id: bounded memory, no cleanup, and
    // unrelated messages rarely share a turn. (The database row lock orders changes made on
    // different nodes; their broadcasts may still cross.)
    private readonly SemaphoreSlim[] turns = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Adds the caller's reaction; adding it again changes nothing and tells no one.</summary>
    public Task AddAsync(Caller caller, Guid roomId, Guid messageId, string? emoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller.UserId, roomId, messageId, emoji, add: true, cancellationToken);

    /// <summary>Removes the caller's reaction; removing one that is not there changes nothing and tells no one.</summary>
    public Task RemoveAsync(Caller caller, Guid roomId, Guid messageId, string? emoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller.UserId, roomId, messageId, emoji, add: false, cancellationToken);

    private async Task ChangeAsync(Guid userId, Guid roomId, Guid messageId, string? emoji, bool add, CancellationToken cancellationToken)
    {
        if (!Emoji.IsSingleEmoji(emoji))
        {
            throw ChatException.Invalid("emoji must be a single emoji");
        }

        await access.RequireUnmutedMemberAsync(userId, roomId, cancellationToken);
        var turn = turns[(int)((uint)messageId.GetHashCode() % (uint)turns.Length)];
        await turn.WaitAsync(cancellationToken);
        try
        {
            var outcome = add
                ? await reactions.AddAsync(roomId, messageId, userId, emoji, clock.UtcNowAsStored(), options.Value.MaxReactionEmoji, cancellationToken)
                : await reactions.RemoveAsync(roomId, messageId, userId, emoji, cancellationToken);
            var message = outcome.Message ?? throw ChatException.NotFound("message");
            if (message.Deleted)
            {
                throw new ChatException(ErrorCodes.Gone, "the message was deleted");
            }

            if (add && outcome.RefusedNewEmoji)
            {
                throw new ChatException(ErrorCodes.Limit, $"a message has at most {options.Value.MaxReactionEmoji} different reactions");
            }

            if (outcome.Changed)
            {
                await broadcaster.ReactionChangedAsync(message, new ReactionChangedEvent(roomId, messageId, emoji, outcome.Count, userId, add));
            }
        }
        finally
        {
            turn.Release();
        }
    }
}
