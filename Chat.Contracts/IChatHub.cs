namespace Chat.Contracts;

/// <summary>
/// The methods a client may call on the hub at <see cref="Path"/>. The server's hub implements it
/// and clients name its methods with <c>nameof</c>, so a renamed or changed method breaks the
/// build rather than the wire.
/// </summary>
public interface IChatHub
{
    /// <summary>Where the hub is mapped.</summary>
    const string Path = "/hubs/chat";

    /// <summary>Joins a public room (a member already is let through) and returns what is needed to show it.</summary>
    Task<RoomSnapshot> JoinRoom(string roomId);

    /// <summary>Ends the caller's membership of the room.</summary>
    Task LeaveRoom(string roomId);

    /// <summary>Stores and delivers a message; the ack comes once it is committed.</summary>
    Task<MessageAck> SendMessage(SendMessageRequest request);

    /// <summary>A page of history before <paramref name="beforeSeq"/> (the newest when null), oldest first.</summary>
    Task<MessageDto[]> GetHistory(string roomId, long? beforeSeq, int limit);

    /// <summary>What the caller missed in each room after the seq it last saw.</summary>
    Task<SyncResult> Sync(SyncRequest request);

    /// <summary>The caller types in the room for the next few seconds.</summary>
    Task StartTyping(string roomId);

    /// <summary>The caller stopped typing in the room.</summary>
    Task StopTyping(string roomId);

    /// <summary>Sets the status the caller chose: online, idle, away or dnd.</summary>
    Task SetPresence(string status);

    /// <summary>
    /// Starts (or stops) this connection hearing the presence of the room's members: in a large
    /// room presence reaches only watching connections, as <c>PresenceDigest</c>; a client
    /// watches the room whose member list it shows. In smaller rooms every member hears
    /// <c>PresenceChanged</c> anyway.
    /// </summary>
    Task WatchPresence(string roomId, bool watching);

    /// <summary>The caller has received the room's messages up to <paramref name="seq"/>.</summary>
    Task MarkDelivered(string roomId, long seq);

    /// <summary>The caller has read the room's messages up to <paramref name="seq"/>.</summary>
    Task MarkRead(string roomId, long seq);

    /// <summary>Replaces the content of one of the caller's messages.</summary>
    Task EditMessage(string roomId, string messageId, string content);

    /// <summary>Deletes a message: the caller's own, or any for moderators.</summary>
    Task DeleteMessage(string roomId, string messageId);

    /// <summary>Adds the caller's reaction to a message.</summary>
    Task AddReaction(string roomId, string messageId, string emoji);

    /// <summary>Removes the caller's reaction from a message.</summary>
    Task RemoveReaction(string roomId, string messageId, string emoji);

    /// <summary>
    /// A thread: its root and the first replies after <paramref name="afterSeq"/> (at most 100,
    /// oldest first), whether more follow, and how far the caller has read it.
    /// </summary>
    Task<ThreadPage> GetThread(string roomId, string rootId, long? afterSeq);

    /// <summary>
    /// The caller has read the thread's replies up to <paramref name="seq"/>; the pointer only
    /// moves forward, and when it moves all the caller's connections hear <c>ThreadReadUpdated</c>.
    /// </summary>
    Task MarkThreadRead(string roomId, string rootId, long seq);

    /// <summary>Pins a message of the room (moderators and admins); the room hears <c>MessagePinned</c>.</summary>
    Task PinMessage(string roomId, string messageId);

    /// <summary>Takes a message's pin away (moderators and admins); the room hears <c>MessageUnpinned</c>.</summary>
    Task UnpinMessage(string roomId, string messageId);

    /// <summary>Stops a bot's reply in progress: the trigger's sender or a moderator+.</summary>
    Task StopReply(string roomId, string messageId);

    /// <summary>
    /// Stores and delivers a message whose parts the caller streams as it produces them (a reply
    /// another service generates, say); the ack comes when the stream ends.
    /// </summary>
    Task<MessageAck> StreamMessage(StreamMessageRequest request, IAsyncEnumerable<StreamPart> parts);
}
