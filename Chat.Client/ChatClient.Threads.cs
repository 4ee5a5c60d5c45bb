using Chat.Contracts;

namespace Chat.Client;

/// <summary>Threads and thread replies over the hub.</summary>
public sealed partial class ChatClient
{
    /// <summary>
    /// Replies in the thread of <paramref name="threadRootId"/> (a message of the room's main list);
    /// with <paramref name="alsoToRoom"/> the reply shows in the room's main list too. Repeated
    /// like <see cref="SendAsync"/> when its outcome is unknown.
    /// </summary>
    public Task<MessageAck> SendThreadReplyAsync(
        Guid roomId, Guid threadRootId, string content, bool alsoToRoom = false, Guid? clientMessageId = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            new SendMessageRequest(
                roomId.ToString(), (clientMessageId ?? ClientMessageIds.New()).ToString(), "text", content,
                ThreadRootId: threadRootId.ToString(), AlsoToRoom: alsoToRoom),
            cancellationToken);

    /// <summary>
    /// Streams a reply into the thread of <paramref name="threadRootId"/> as it is produced, like
    /// <see cref="StreamMessageAsync"/> (and, like it, not repeated by itself).
    /// </summary>
    public Task<MessageAck> StreamThreadReplyAsync(
        Guid roomId, Guid threadRootId, IAsyncEnumerable<StreamPart> parts, Guid? clientMessageId = null, CancellationToken cancellationToken = default) =>
        InvokeAsync<MessageAck>(
            nameof(IChatHub.StreamMessage),
            [new StreamMessageRequest(roomId.ToString(), (clientMessageId ?? ClientMessageIds.New()).ToString(), ThreadRootId: threadRootId.ToString()), parts],
            cancellationToken);

    /// <summary>The thread's root and up to 100 replies after <paramref name="afterSeq"/>, oldest first, with the caller's read pointer.</summary>
    public Task<ThreadPage> GetThreadAsync(Guid roomId, Guid rootId, long? afterSeq = null, CancellationToken cancellationToken = default) =>
        InvokeAsync<ThreadPage>(nameof(IChatHub.GetThread), [roomId.ToString(), rootId.ToString(), afterSeq], cancellationToken);

    /// <summary>Moves the caller's read pointer of the thread forward to <paramref name="seq"/>.</summary>
    public Task MarkThreadReadAsync(Guid roomId, Guid rootId, long seq, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.MarkThreadRead), [roomId.ToString(), rootId.ToString(), seq], cancellationToken);
}
