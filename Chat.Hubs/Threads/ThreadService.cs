using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Messages;
using Chat.Hubs.Rooms;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Threads;

/// <summary>
/// Threads, through either door: which message a reply may go under, a thread's page of replies,
/// the caller's read pointer of a thread and the threads they take part in. Replies are sent like
/// any message (see <see cref="MessageSender"/>); the writer keeps each root's summary.
/// </summary>
public sealed class ThreadService(ThreadRepository threads, RoomAccess access, RoomBroadcaster broadcaster, IOptions<ChatOptions> options)
{
    /// <summary>The most replies one page of a thread holds.</summary>
    public const int MaxPageSize = 100;

    // The threads list has no paging: the caller's most recently active threads of the room.
    private const int MaxListed = 100;

    /// <summary>
    /// Refuses a root a reply may not go under: unknown (<c>not_found</c>); in another room,
    /// private, itself a reply, or deleted (<c>invalid</c>).
    /// </summary>
    public async Task EnsureRootAsync(Guid roomId, Guid rootId, CancellationToken cancellationToken = default)
    {
        var root = await threads.FindCandidateAsync(rootId, cancellationToken) ?? throw ChatException.NotFound("thread root");
        if (root.RoomId != roomId)
        {
            throw ChatException.Invalid("the thread root is a message of another room");
        }

        if (root.ToUserId is not null)
        {
            throw ChatException.Invalid("a private message cannot start a thread");
        }

        if (root.ThreadRootId is not null)
        {
            throw ChatException.Invalid("a thread reply cannot start a thread of its own");
        }

        if (root.Deleted)
        {
            throw ChatException.Invalid("the thread root was deleted");
        }
    }

    /// <summary>
    /// The root and the first replies after <paramref name="afterSeq"/> (oldest first, at most
    /// <paramref name="limit"/> and about <see cref="ChatOptions.MaxAnswerBytes"/>) that the caller
    /// may see, with the caller's read pointer of the thread. A room the caller may read, as for history.
    /// </summary>
    public async Task<ThreadPage> GetAsync(
        Caller caller, Guid roomId, Guid rootId, long? afterSeq, int limit = MaxPageSize, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw ChatException.Invalid($"limit must be between 1 and {MaxPageSize}");
        }

        if (afterSeq < 0)
        {
            throw ChatException.Invalid("afterSeq must not be negative");
        }

        await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        // One extra reply tells whether more remain without counting them.
        var read = await threads.ReadAsync(roomId, rootId, caller.UserId, afterSeq ?? 0, limit + 1, cancellationToken);
        var root = RequireRoot(read.Root);
        var budget = new AnswerBudget(options.Value.MaxAnswerBytes);
        var rootDto = root.ToDto();
        budget.TryTake(rootDto, always: true);
        var replies = budget.TakeWithin(read.Replies.Take(limit));

        return new ThreadPage(rootDto, [.. replies], HasMore: read.Replies.Count > replies.Count, read.LastReadSeq);
    }

    /// <summary>
    /// Moves the caller's read pointer of the thread forward to <paramref name="seq"/> (never back;
    /// a seq past the room's last is taken as the last), which makes them one of its participants.
    /// </summary>
    public async Task MarkReadAsync(Caller caller, Guid roomId, Guid rootId, long seq, CancellationToken cancellationToken = default)
    {
        if (seq < 0)
        {
            throw ChatException.Invalid("seq must not be negative");
        }

        // Readable first: an outsider of a private room learns no more than that it is not found.
        var state = await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        RoomAccess.RequireMember(state);
        var root = await threads.FindCandidateAsync(rootId, cancellationToken);
        if (root is null || root.RoomId != roomId || (root.ToUserId is { } to && to != caller.UserId && root.SenderId != caller.UserId))
        {
            throw ChatException.NotFound("thread root");
        }

        if (root.ThreadRootId is not null)
        {
            throw NotARoot();
        }

        var lastRead = Math.Min(seq, state.LastSeq);
        if (await threads.MarkReadAsync(roomId, rootId, caller.UserId, lastRead, cancellationToken))
        {
            await broadcaster.ThreadReadAsync(caller.UserId, new ThreadReadEvent(roomId, rootId, lastRead));
        }
    }

    /// <summary>The threads of the room the caller takes part in, the latest reply first, with what they have not read.</summary>
    /// <remarks>An array, not a list interface: MessagePack serializes a hub result by its runtime type.</remarks>
    public async Task<ThreadDto[]> ListMineAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        await access.RequireReadableAsync(caller.UserId, roomId, cancellationToken);
        var listed = await threads.ListForUserAsync(roomId, caller.UserId, MaxListed, cancellationToken);
        return [.. listed.Select(t => new ThreadDto(t.Root.ToDto(), t.UnreadCount, t.LastReadSeq))];
    }

    private static StoredMessage RequireRoot(StoredMessage? root) =>
        root is null ? throw ChatException.NotFound("thread root")
        : root.ThreadRootId is not null ? throw NotARoot()
        : root;

    private static ChatException NotARoot() => ChatException.Invalid("a thread reply is not a thread root");
}
