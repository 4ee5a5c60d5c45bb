using Chat.Contracts;

namespace Chat.Client;

/// <summary>Threads over HTTP; a reply is sent like any message, with its threadRootId.</summary>
public sealed partial class ChatRestClient
{
    /// <summary>The threads of the room the caller takes part in, the latest reply first.</summary>
    public Task<ThreadDto[]> GetMyThreadsAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        GetAsync<ThreadDto[]>($"api/rooms/{roomId}/threads", cancellationToken);

    /// <summary>The thread's root and its replies after <paramref name="afterSeq"/>, oldest first (<paramref name="limit"/> at most 100).</summary>
    public Task<ThreadPage> GetThreadAsync(Guid roomId, Guid rootId, long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync<ThreadPage>(Query($"api/rooms/{roomId}/threads/{rootId}", ("afterSeq", afterSeq), ("limit", limit)), cancellationToken);

    /// <summary>Replies in the thread of <paramref name="threadRootId"/>; with <paramref name="alsoToRoom"/> it shows in the room's main list too.</summary>
    public Task<MessageAck> SendThreadReplyAsync(
        Guid roomId, Guid threadRootId, string content, bool alsoToRoom = false, Guid? clientMessageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(
            roomId,
            Text("text", content, clientMessageId) with { ThreadRootId = threadRootId.ToString(), AlsoToRoom = alsoToRoom },
            cancellationToken);
}
