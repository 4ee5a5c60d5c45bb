using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client;

/// <summary>The hub methods of the contract, one typed call each.</summary>
public sealed partial class ChatClient
{
    /// <summary>Joins (where allowed) and starts following the room for gap recovery.</summary>
    public async Task<RoomSnapshot> JoinRoomAsync(Guid roomId, CancellationToken cancellationToken = default)
    {
        var snapshot = await InvokeAsync<RoomSnapshot>(nameof(IChatHub.JoinRoom), [roomId.ToString()], cancellationToken);
        await Follow(roomId, snapshot.LastSeq);
        return snapshot;
    }

    /// <summary>Ends the membership; the room is no longer followed.</summary>
    public async Task LeaveRoomAsync(Guid roomId, CancellationToken cancellationToken = default)
    {
        await InvokeAsync(nameof(IChatHub.LeaveRoom), [roomId.ToString()], cancellationToken);
        await Forget(roomId);
    }

    /// <summary>
    /// Sends a message; the ack means it is stored. A send whose outcome is unknown (the connection
    /// lost under it, or <c>unavailable</c>) is repeated with the same clientMessageId, with
    /// back-off and after the reconnect, until it is acked or <see cref="ChatClientOptions.SendRetryWindow"/>
    /// has passed: the message is stored once whatever happened to an earlier ack (the ack then
    /// says <c>duplicate</c>). Refusals (muted, invalid, …) throw at once.
    /// </summary>
    public async Task<MessageAck> SendAsync(SendMessageRequest request, CancellationToken cancellationToken = default)
    {
        request = request.ClientMessageId is { Length: > 0 } ? request : request with { ClientMessageId = ClientMessageIds.New().ToString() };
        var giveUpAt = DateTime.UtcNow + sendRetryWindow;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var ack = await InvokeAsync<MessageAck>(nameof(IChatHub.SendMessage), [request], cancellationToken);
                await NoteSentAsync(ack);
                return ack;
            }
            catch (Exception e) when (IsOutcomeUnknown(e, cancellationToken) && DateTime.UtcNow < giveUpAt)
            {
                LogSendRetried(logger, request.ClientMessageId!, e);
                await Task.Delay(SendRetryDelays[Math.Min(attempt, SendRetryDelays.Length - 1)], cancellationToken);
                await WaitUntilConnectedAsync(giveUpAt, cancellationToken);
            }
        }
    }

    /// <summary>Sends a text message; pass the same <paramref name="clientMessageId"/> when retrying it.</summary>
    public Task<MessageAck> SendTextAsync(Guid roomId, string content, Guid? clientMessageId = null, CancellationToken cancellationToken = default) =>
        SendAsync(new SendMessageRequest(roomId.ToString(), (clientMessageId ?? ClientMessageIds.New()).ToString(), "text", content), cancellationToken);

    /// <summary>
    /// Streams a message into the room as it is produced (a reply this service generates, say):
    /// members see it start, grow part by part and end; the ack comes when
    /// <paramref name="parts"/> ends. Not repeated by itself, as a stream cannot be replayed: to
    /// try again, stream it anew with the same <paramref name="clientMessageId"/> (stored once; the
    /// ack then says <c>duplicate</c>).
    /// </summary>
    public Task<MessageAck> StreamMessageAsync(
        Guid roomId,
        IAsyncEnumerable<StreamPart> parts,
        Guid? clientMessageId = null,
        Guid? toUserId = null,
        Guid? replyToId = null,
        CancellationToken cancellationToken = default) =>
        InvokeAsync<MessageAck>(
            nameof(IChatHub.StreamMessage),
            [new StreamMessageRequest(roomId.ToString(), (clientMessageId ?? ClientMessageIds.New()).ToString(), toUserId?.ToString(), replyToId?.ToString()), parts],
            cancellationToken);

    /// <summary>Tells the room this user is typing; repeat it every second or two while typing, as each lasts 3 s.</summary>
    public Task StartTypingAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.StartTyping), [roomId.ToString()], cancellationToken);

    /// <summary>Takes this user out of the room's typing list at once.</summary>
    public Task StopTypingAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.StopTyping), [roomId.ToString()], cancellationToken);

    /// <summary>A page of history before <paramref name="beforeSeq"/> (or the newest), newest last.</summary>
    public Task<MessageDto[]> GetHistoryAsync(Guid roomId, long? beforeSeq = null, int limit = 50, CancellationToken cancellationToken = default) =>
        InvokeAsync<MessageDto[]>(nameof(IChatHub.GetHistory), [roomId.ToString(), beforeSeq, limit], cancellationToken);

    /// <summary>
    /// What each room got after the given seqs, without raising events: for a caller that keeps
    /// its own positions. <see cref="CatchUpAsync"/> does this for the rooms this client follows.
    /// </summary>
    public Task<SyncResult> SyncAsync(SyncRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync<SyncResult>(nameof(IChatHub.Sync), [request], cancellationToken);

    /// <summary>Replaces the content of one of the caller's text messages; the room hears <see cref="MessageUpdated"/>.</summary>
    public Task EditMessageAsync(Guid roomId, Guid messageId, string content, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.EditMessage), [roomId.ToString(), messageId.ToString(), content], cancellationToken);

    /// <summary>Deletes a message (own, or any as a moderator); deleting twice is harmless.</summary>
    public Task DeleteMessageAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.DeleteMessage), [roomId.ToString(), messageId.ToString()], cancellationToken);

    /// <summary>
    /// Pins a message (moderators and admins); the room hears <see cref="MessagePinned"/>. Pinning
    /// a pinned message changes nothing; a room holds at most 50 pins (<c>limit</c>).
    /// </summary>
    public Task PinMessageAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.PinMessage), [roomId.ToString(), messageId.ToString()], cancellationToken);

    /// <summary>Takes a message's pin away (moderators and admins); the room hears <see cref="MessageUnpinned"/>.</summary>
    public Task UnpinMessageAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.UnpinMessage), [roomId.ToString(), messageId.ToString()], cancellationToken);

    /// <summary>Moves the caller's delivery pointer forward to <paramref name="seq"/>.</summary>
    public Task MarkDeliveredAsync(Guid roomId, long seq, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.MarkDelivered), [roomId.ToString(), seq], cancellationToken);

    /// <summary>Moves the caller's read (and delivery) pointer forward to <paramref name="seq"/>.</summary>
    public Task MarkReadAsync(Guid roomId, long seq, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.MarkRead), [roomId.ToString(), seq], cancellationToken);

    /// <summary>Adds the caller's reaction (one emoji) to a message; adding it twice counts once.</summary>
    public Task AddReactionAsync(Guid roomId, Guid messageId, string emoji, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.AddReaction), [roomId.ToString(), messageId.ToString(), emoji], cancellationToken);

    public Task RemoveReactionAsync(Guid roomId, Guid messageId, string emoji, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.RemoveReaction), [roomId.ToString(), messageId.ToString(), emoji], cancellationToken);

    /// <summary>
    /// Sets the user's presence on all of the user's connections: online, idle, away or dnd
    /// (offline follows from disconnecting and is refused as <c>invalid</c>).
    /// </summary>
    public Task SetPresenceAsync(PresenceStatus status, CancellationToken cancellationToken = default) =>
        InvokeAsync(nameof(IChatHub.SetPresence), [status.ToString().ToLowerInvariant()], cancellationToken);

    /// <summary>
    /// Starts (or stops) hearing the presence of a room's members, for a member list on show: in
    /// a large room presence reaches only watchers, as <see cref="PresenceDigest"/>. Watching
    /// is taken up again after a reconnect.
    /// </summary>
    public async Task WatchPresenceAsync(Guid roomId, bool watching = true, CancellationToken cancellationToken = default)
    {
        await InvokeAsync(nameof(IChatHub.WatchPresence), [roomId.ToString(), watching], cancellationToken);
        if (watching)
        {
            watchedPresence[roomId] = 0;
        }
        else
        {
            watchedPresence.TryRemove(roomId, out _);
        }
    }

    private async Task<T> InvokeAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.InvokeCoreAsync<T>(method, arguments, cancellationToken);
        }
        catch (HubException e)
        {
            throw ChatServiceException.FromHub(e);
        }
    }

    private async Task InvokeAsync(string method, object?[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            await connection.InvokeCoreAsync(method, arguments, cancellationToken);
        }
        catch (HubException e)
        {
            throw ChatServiceException.FromHub(e);
        }
    }
}
