using System.Collections.Concurrent;
using System.Net.WebSockets;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Client;

/// <summary>
/// A typed client of the chat hub for other services. It reconnects by itself and, once back,
/// fetches what it missed with <c>Sync</c>, raising <see cref="MessageReceived"/> once per
/// message in seq order.
/// </summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly HubConnection connection;

    // The highest seq seen per room: what Sync asks after, and what drops repeats.
    private readonly ConcurrentDictionary<Guid, long> lastSeq = new();
    private readonly SemaphoreSlim delivery = new(1, 1);

    public ChatClient(ChatClientOptions options)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(options.BaseAddress, ChatHubMethods.Path.TrimStart('/')), o =>
            {
                o.AccessTokenProvider = options.AccessTokenProvider;
                if (options.WebSocketCompression)
                {
                    // The token travels in the handshake, never in a compressed frame.
                    o.WebSocketConfiguration = webSocket => webSocket.DangerousDeflateOptions = new WebSocketDeflateOptions();
                }
            })
            .WithAutomaticReconnect(new RetryForever(options.ReconnectDelays))
            .WithStatefulReconnect();
        builder = options.UseJsonProtocol
            ? builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            : builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        connection = builder.Build();

        connection.On<MessageDto>(nameof(IChatClient.MessageReceived), DeliverAsync);
        connection.On<MessageDto>(nameof(IChatClient.MessageUpdated), m => Raise(MessageUpdated, m));
        connection.On<MessageDeletedEvent>(nameof(IChatClient.MessageDeleted), e => Raise(MessageDeleted, e));
        connection.On<UserJoinedEvent>(nameof(IChatClient.UserJoined), e => Raise(UserJoined, e));
        connection.On<UserLeftEvent>(nameof(IChatClient.UserLeft), e => Raise(UserLeft, e));
        connection.On<TypingChangedEvent>(nameof(IChatClient.TypingChanged), e => Raise(TypingChanged, e));
        connection.On<ReceiptDto>(nameof(IChatClient.ReceiptUpdated), e => Raise(ReceiptUpdated, e));
        connection.On<PresenceChangedEvent>(nameof(IChatClient.PresenceChanged), e => Raise(PresenceChanged, e));
        connection.On<ReactionChangedEvent>(nameof(IChatClient.ReactionChanged), e => Raise(ReactionChanged, e));
        connection.On<MemberDto>(nameof(IChatClient.MemberUpdated), e => Raise(MemberUpdated, e));
        connection.On<RemovedFromRoomEvent>(nameof(IChatClient.RemovedFromRoom), OnRemoved);
        connection.On<RoomDto>(nameof(IChatClient.RoomUpdated), e => Raise(RoomUpdated, e));
        connection.Reconnected += async _ => await CatchUpAsync();
    }

    /// <summary>A new message, live or recovered after a reconnect; each message once, in seq order per room.</summary>
    public event Func<MessageDto, Task>? MessageReceived;

    public event Func<MessageDto, Task>? MessageUpdated;

    public event Func<MessageDeletedEvent, Task>? MessageDeleted;

    public event Func<UserJoinedEvent, Task>? UserJoined;

    public event Func<UserLeftEvent, Task>? UserLeft;

    public event Func<TypingChangedEvent, Task>? TypingChanged;

    public event Func<ReceiptDto, Task>? ReceiptUpdated;

    public event Func<PresenceChangedEvent, Task>? PresenceChanged;

    public event Func<ReactionChangedEvent, Task>? ReactionChanged;

    public event Func<MemberDto, Task>? MemberUpdated;

    public event Func<RemovedFromRoomEvent, Task>? RemovedFromRoom;

    public event Func<RoomDto, Task>? RoomUpdated;

    public HubConnectionState State => connection.State;

    public Task StartAsync(CancellationToken cancellationToken = default) => connection.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => connection.StopAsync(cancellationToken);

    /// <summary>Joins (where allowed) and starts tracking the room for gap recovery.</summary>
    public async Task<RoomSnapshot> JoinRoomAsync(Guid roomId, CancellationToken cancellationToken = default)
    {
        var snapshot = await connection.InvokeAsync<RoomSnapshot>(ChatHubMethods.JoinRoom, roomId.ToString(), cancellationToken);
        lastSeq.AddOrUpdate(roomId, snapshot.LastSeq, (_, seen) => Math.Max(seen, snapshot.LastSeq));
        return snapshot;
    }

    public async Task LeaveRoomAsync(Guid roomId, CancellationToken cancellationToken = default)
    {
        await connection.InvokeAsync(ChatHubMethods.LeaveRoom, roomId.ToString(), cancellationToken);
        lastSeq.TryRemove(roomId, out _);
    }

    /// <summary>Sends a message; the ack means it is stored. Reuse the clientMessageId to retry safely.</summary>
    public Task<MessageAck> SendAsync(SendMessageRequest request, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync<MessageAck>(ChatHubMethods.SendMessage, request, cancellationToken);

    public Task<MessageAck> SendTextAsync(Guid roomId, string content, Guid? clientMessageId = null, CancellationToken cancellationToken = default) =>
        SendAsync(new SendMessageRequest(roomId.ToString(), (clientMessageId ?? Guid.NewGuid()).ToString(), "text", content), cancellationToken);

    /// <summary>Tells the room this user is typing; repeat it every second or two while typing, as each lasts 3 s.</summary>
    public Task StartTypingAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.StartTyping, roomId.ToString(), cancellationToken);

    /// <summary>Takes this user out of the room's typing list at once.</summary>
    public Task StopTypingAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.StopTyping, roomId.ToString(), cancellationToken);

    public Task<MessageDto[]> GetHistoryAsync(Guid roomId, long? beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync<MessageDto[]>(ChatHubMethods.GetHistory, roomId.ToString(), beforeSeq, limit, cancellationToken);

    /// <summary>Replaces the content of one of the caller's text messages; the room hears <see cref="MessageUpdated"/>.</summary>
    public Task EditMessageAsync(Guid roomId, Guid messageId, string content, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.EditMessage, roomId.ToString(), messageId.ToString(), content, cancellationToken);

    /// <summary>Deletes a message (own, or any as a moderator); deleting twice is harmless.</summary>
    public Task DeleteMessageAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.DeleteMessage, roomId.ToString(), messageId.ToString(), cancellationToken);

    /// <summary>Moves the caller's delivery pointer forward to <paramref name="seq"/>.</summary>
    public Task MarkDeliveredAsync(Guid roomId, long seq, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.MarkDelivered, roomId.ToString(), seq, cancellationToken);

    /// <summary>Moves the caller's read (and delivery) pointer forward to <paramref name="seq"/>.</summary>
    public Task MarkReadAsync(Guid roomId, long seq, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.MarkRead, roomId.ToString(), seq, cancellationToken);

    /// <summary>Adds the caller's reaction (one emoji) to a message; adding it twice counts once.</summary>
    public Task AddReactionAsync(Guid roomId, Guid messageId, string emoji, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.AddReaction, roomId.ToString(), messageId.ToString(), emoji, cancellationToken);

    public Task RemoveReactionAsync(Guid roomId, Guid messageId, string emoji, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.RemoveReaction, roomId.ToString(), messageId.ToString(), emoji, cancellationToken);

    /// <summary>
    /// Sets the user's presence on all of the user's connections: online, idle, away or dnd
    /// (offline follows from disconnecting and is refused as <c>invalid</c>).
    /// </summary>
    public Task SetPresenceAsync(PresenceStatus status, CancellationToken cancellationToken = default) =>
        connection.InvokeAsync(ChatHubMethods.SetPresence, status.ToString().ToLowerInvariant(), cancellationToken);

    /// <summary>
    /// Fetches what was missed in every tracked room since the last seq seen and raises
    /// <see cref="MessageReceived"/> for it. Runs by itself after a reconnect.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        bool more;
        do
        {
            var request = new SyncRequest([.. lastSeq.Select(r => new SyncRoomRequest(r.Key.ToString(), r.Value))]);
            if (request.Rooms!.Count == 0)
            {
                return;
            }

            var result = await connection.InvokeAsync<SyncResult>(ChatHubMethods.Sync, request, cancellationToken);
            foreach (var message in result.Rooms.SelectMany(r => r.Messages))
            {
                await DeliverAsync(message);
            }

            more = result.Rooms.Any(r => r.HasMore);
        }
        while (more);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        delivery.Dispose();
    }

    private async Task DeliverAsync(MessageDto message)
    {
        // Live events and Sync results can overlap after a reconnect; one at a time, and only
        // what is newer than the last seq seen in that room, so nothing is raised twice.
        await delivery.WaitAsync();
        try
        {
            var seen = lastSeq.GetValueOrDefault(message.RoomId);
            if (message.Seq <= seen)
            {
                return;
            }

            lastSeq[message.RoomId] = message.Seq;
            await Raise(MessageReceived, message);
        }
        finally
        {
            delivery.Release();
        }
    }

    private Task OnRemoved(RemovedFromRoomEvent removed)
    {
        lastSeq.TryRemove(removed.RoomId, out _);
        return Raise(RemovedFromRoom, removed);
    }

    private static async Task Raise<T>(Func<T, Task>? handlers, T payload)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<T, Task>>())
        {
            await handler(payload);
        }
    }
}
