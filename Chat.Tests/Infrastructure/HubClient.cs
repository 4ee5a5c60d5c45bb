using System.Threading.Channels;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Infrastructure;

/// <summary>Which SignalR hub protocol a test connection speaks.</summary>
public enum HubProtocol
{
    MessagePack,
    Json,
}

/// <summary>Sets up a connection builder for a <see cref="HubProtocol"/>.</summary>
public static class HubConnectionBuilderExtensions
{
    /// <summary>The builder with <paramref name="protocol"/> and the contract's serializer settings.</summary>
    public static IHubConnectionBuilder WithProtocol(this IHubConnectionBuilder builder, HubProtocol protocol) =>
        protocol == HubProtocol.MessagePack
            ? builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions)
            : builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions));
}

/// <summary>
/// A real <see cref="HubConnection"/> to a node that records every event it receives, so a
/// test can wait for one (with a deadline) or assert that none came.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly Channel<MessageDto> messages = Channel.CreateUnbounded<MessageDto>();
    private readonly Channel<UserJoinedEvent> joined = Channel.CreateUnbounded<UserJoinedEvent>();
    private readonly Channel<UserLeftEvent> left = Channel.CreateUnbounded<UserLeftEvent>();
    private readonly Channel<TypingChangedEvent> typing = Channel.CreateUnbounded<TypingChangedEvent>();
    private readonly Channel<PresenceChangedEvent> presence = Channel.CreateUnbounded<PresenceChangedEvent>();
    private readonly Channel<PresenceDigestEvent> digests = Channel.CreateUnbounded<PresenceDigestEvent>();
    private readonly Channel<MessageDto> updated = Channel.CreateUnbounded<MessageDto>();
    private readonly Channel<MessageDeletedEvent> deleted = Channel.CreateUnbounded<MessageDeletedEvent>();
    private readonly Channel<ReceiptDto> receipts = Channel.CreateUnbounded<ReceiptDto>();
    private readonly Channel<ReactionChangedEvent> reactions = Channel.CreateUnbounded<ReactionChangedEvent>();
    private readonly Channel<RemovedFromRoomEvent> removals = Channel.CreateUnbounded<RemovedFromRoomEvent>();
    private readonly Channel<MemberDto> memberUpdates = Channel.CreateUnbounded<MemberDto>();
    private readonly Channel<RoomDto> roomUpdates = Channel.CreateUnbounded<RoomDto>();
    private readonly Channel<ResyncRequiredEvent> resyncs = Channel.CreateUnbounded<ResyncRequiredEvent>();
    private readonly Channel<MessageStreamingEvent> streaming = Channel.CreateUnbounded<MessageStreamingEvent>();
    private readonly Channel<PinDto> pins = Channel.CreateUnbounded<PinDto>();
    private readonly Channel<MessageUnpinnedEvent> unpins = Channel.CreateUnbounded<MessageUnpinnedEvent>();
    private readonly Channel<ThreadReadEvent> threadReads = Channel.CreateUnbounded<ThreadReadEvent>();

    private HubClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<MessageDto>(nameof(IChatClient.MessageReceived), m => messages.Writer.TryWrite(m));
        connection.On<UserJoinedEvent>(nameof(IChatClient.UserJoined), e => joined.Writer.TryWrite(e));
        connection.On<UserLeftEvent>(nameof(IChatClient.UserLeft), e => left.Writer.TryWrite(e));
        connection.On<TypingChangedEvent>(nameof(IChatClient.TypingChanged), e => typing.Writer.TryWrite(e));
        connection.On<PresenceChangedEvent>(nameof(IChatClient.PresenceChanged), e => presence.Writer.TryWrite(e));
        connection.On<PresenceDigestEvent>(nameof(IChatClient.PresenceDigest), e => digests.Writer.TryWrite(e));
        connection.On<MessageDto>(nameof(IChatClient.MessageUpdated), m => updated.Writer.TryWrite(m));
        connection.On<MessageDeletedEvent>(nameof(IChatClient.MessageDeleted), e => deleted.Writer.TryWrite(e));
        connection.On<ReceiptDto>(nameof(IChatClient.ReceiptUpdated), e => receipts.Writer.TryWrite(e));
        connection.On<ReactionChangedEvent>(nameof(IChatClient.ReactionChanged), e => reactions.Writer.TryWrite(e));
        connection.On<RemovedFromRoomEvent>(nameof(IChatClient.RemovedFromRoom), e => removals.Writer.TryWrite(e));
        connection.On<MemberDto>(nameof(IChatClient.MemberUpdated), m => memberUpdates.Writer.TryWrite(m));
        connection.On<RoomDto>(nameof(IChatClient.RoomUpdated), r => roomUpdates.Writer.TryWrite(r));
        connection.On<ResyncRequiredEvent>(nameof(IChatClient.ResyncRequired), e => resyncs.Writer.TryWrite(e));
        connection.On<MessageStreamingEvent>(nameof(IChatClient.MessageStreaming), e => streaming.Writer.TryWrite(e));
        connection.On<PinDto>(nameof(IChatClient.MessagePinned), p => pins.Writer.TryWrite(p));
        connection.On<MessageUnpinnedEvent>(nameof(IChatClient.MessageUnpinned), e => unpins.Writer.TryWrite(e));
        connection.On<ThreadReadEvent>(nameof(IChatClient.ThreadReadUpdated), e => threadReads.Writer.TryWrite(e));
    }

    public HubConnection Connection { get; }

    /// <summary>Opens a connection for <paramref name="user"/> speaking <paramref name="protocol"/>.</summary>
    public static Task<HubClient> ConnectAsync(ChatNode node, TestUser user, HubProtocol protocol = HubProtocol.MessagePack) =>
        ConnectAsync(node.Address, user, protocol);

    /// <summary>Opens a connection to a node at <paramref name="address"/>, such as one in another process.</summary>
    public static Task<HubClient> ConnectAsync(Uri address, TestUser user, HubProtocol protocol = HubProtocol.MessagePack) =>
        StartAsync(Build(address, user.Token, protocol));

    /// <summary>A connection that is built but not started, for tests of the handshake itself.</summary>
    public static HubConnection Build(ChatNode node, string? token, HubProtocol protocol = HubProtocol.MessagePack) =>
        Build(node.Address, token, protocol);

    /// <summary>A connection to the node at <paramref name="address"/> that is built but not started.</summary>
    public static HubConnection Build(Uri address, string? token, HubProtocol protocol = HubProtocol.MessagePack) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(address, IChatHub.Path.TrimStart('/')), options =>
            {
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .WithProtocol(protocol)
            .Build();

    /// <summary>A client whose connection is built but not started, for a test that starts it itself.</summary>
    public static HubClient Create(ChatNode node, string? token) => new(Build(node, token));

    /// <summary>
    /// Opens a WebSocket-only connection to <paramref name="address"/> (a relay in front of a node,
    /// say) without the negotiate round trip, with <paramref name="configure"/> applied to it.
    /// </summary>
    public static Task<HubClient> ConnectWebSocketAsync(
        Uri address, TestUser user, HubProtocol protocol, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions> configure) =>
        StartAsync(new HubConnectionBuilder()
            .WithUrl(new Uri(address, IChatHub.Path.TrimStart('/')), options =>
            {
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
                configure(options);
            })
            .WithProtocol(protocol)
            .Build());

    /// <summary>Starts a connection built with options of its own (through a proxy, with cookies, say).</summary>
    public static async Task<HubClient> StartAsync(HubConnection connection)
    {
        var client = new HubClient(connection);
        await client.Connection.StartAsync();

        // The handshake completes before the server's OnConnectedAsync has put the connection in
        // its rooms' groups; the server handles a call only after that, so one round trip makes
        // sure the connection hears everything that happens from now on.
        await client.FlushAsync();
        return client;
    }

    // The hub's methods, one each, under the names the hub declares. Ids stay strings as on the
    // wire, so a test can send a malformed one; the Guid overloads are for well-formed calls.

    public Task<RoomSnapshot> JoinRoomAsync(string roomId) => Connection.InvokeAsync<RoomSnapshot>(nameof(IChatHub.JoinRoom), roomId);

    public Task<RoomSnapshot> JoinRoomAsync(Guid roomId) => JoinRoomAsync(roomId.ToString());

    public Task LeaveRoomAsync(Guid roomId) => Connection.InvokeAsync(nameof(IChatHub.LeaveRoom), roomId.ToString());

    public Task<MessageAck> SendMessageAsync(SendMessageRequest request) => Connection.InvokeAsync<MessageAck>(nameof(IChatHub.SendMessage), request);

    /// <summary>Sends a text message, under a new client message id unless one is given.</summary>
    public Task<MessageAck> SendTextAsync(Guid roomId, string content, Guid? clientMessageId = null) =>
        SendMessageAsync(new SendMessageRequest(roomId.ToString(), (clientMessageId ?? Guid.NewGuid()).ToString(), "text", content));

    /// <summary>Sends a message of <paramref name="type"/> under a new client message id.</summary>
    public Task<MessageAck> SendMessageAsync(Guid roomId, string type, string content, Guid? attachmentId = null) =>
        SendMessageAsync(new SendMessageRequest(roomId.ToString(), Guid.NewGuid().ToString(), type, content, AttachmentId: attachmentId?.ToString()));

    /// <summary>Sends a private text message to <paramref name="toUserId"/> inside the room.</summary>
    public Task<MessageAck> SendPrivateAsync(Guid roomId, Guid toUserId, string content) =>
        SendMessageAsync(new SendMessageRequest(roomId.ToString(), Guid.NewGuid().ToString(), "text", content, ToUserId: toUserId.ToString()));

    public Task<MessageDto[]> GetHistoryAsync(string roomId, long? beforeSeq, int limit) =>
        Connection.InvokeAsync<MessageDto[]>(nameof(IChatHub.GetHistory), roomId, beforeSeq, limit);

    /// <summary>The newest <paramref name="limit"/> messages of the room.</summary>
    public Task<MessageDto[]> GetHistoryAsync(Guid roomId, int limit = 50) => GetHistoryAsync(roomId.ToString(), null, limit);

    public Task<SyncResult> SyncAsync(SyncRequest request) => Connection.InvokeAsync<SyncResult>(nameof(IChatHub.Sync), request);

    /// <summary>What the room holds after <paramref name="afterSeq"/>.</summary>
    public Task<SyncResult> SyncAsync(Guid roomId, long afterSeq) => SyncAsync(new SyncRequest([new SyncRoomRequest(roomId.ToString(), afterSeq)]));

    /// <summary>
    /// One round trip (a Sync of no rooms): anything the server sent this connection before now
    /// has arrived, so an empty recording means nothing was sent.
    /// </summary>
    public Task FlushAsync() => SyncAsync(new SyncRequest([]));

    public Task StartTypingAsync(string roomId) => Connection.InvokeAsync(nameof(IChatHub.StartTyping), roomId);

    public Task StartTypingAsync(Guid roomId) => StartTypingAsync(roomId.ToString());

    public Task StopTypingAsync(Guid roomId) => Connection.InvokeAsync(nameof(IChatHub.StopTyping), roomId.ToString());

    public Task SetPresenceAsync(string? status) => Connection.InvokeAsync(nameof(IChatHub.SetPresence), status);

    public Task WatchPresenceAsync(Guid roomId, bool watching = true) =>
        Connection.InvokeAsync(nameof(IChatHub.WatchPresence), roomId.ToString(), watching);

    public Task MarkDeliveredAsync(string roomId, long seq) => Connection.InvokeAsync(nameof(IChatHub.MarkDelivered), roomId, seq);

    public Task MarkDeliveredAsync(Guid roomId, long seq) => MarkDeliveredAsync(roomId.ToString(), seq);

    public Task MarkReadAsync(string roomId, long seq) => Connection.InvokeAsync(nameof(IChatHub.MarkRead), roomId, seq);

    public Task MarkReadAsync(Guid roomId, long seq) => MarkReadAsync(roomId.ToString(), seq);

    public Task EditMessageAsync(string roomId, string messageId, string content) =>
        Connection.InvokeAsync(nameof(IChatHub.EditMessage), roomId, messageId, content);

    public Task EditMessageAsync(Guid roomId, Guid messageId, string content) => EditMessageAsync(roomId.ToString(), messageId.ToString(), content);

    public Task DeleteMessageAsync(string roomId, string messageId) => Connection.InvokeAsync(nameof(IChatHub.DeleteMessage), roomId, messageId);

    public Task DeleteMessageAsync(Guid roomId, Guid messageId) => DeleteMessageAsync(roomId.ToString(), messageId.ToString());

    public Task AddReactionAsync(string roomId, string messageId, string emoji) =>
        Connection.InvokeAsync(nameof(IChatHub.AddReaction), roomId, messageId, emoji);

    public Task AddReactionAsync(Guid roomId, Guid messageId, string emoji) => AddReactionAsync(roomId.ToString(), messageId.ToString(), emoji);

    public Task RemoveReactionAsync(Guid roomId, Guid messageId, string emoji) =>
        Connection.InvokeAsync(nameof(IChatHub.RemoveReaction), roomId.ToString(), messageId.ToString(), emoji);

    public Task PinMessageAsync(Guid roomId, Guid messageId) =>
        Connection.InvokeAsync(nameof(IChatHub.PinMessage), roomId.ToString(), messageId.ToString());

    public Task UnpinMessageAsync(Guid roomId, Guid messageId) =>
        Connection.InvokeAsync(nameof(IChatHub.UnpinMessage), roomId.ToString(), messageId.ToString());

    /// <summary>The next time this connection hears a message was pinned, within the deadline.</summary>
    public Task<PinDto> NextPinAsync(TimeSpan? wait = null) => Next(pins, wait);

    /// <summary>The next time this connection hears a message lost its pin, within the deadline.</summary>
    public Task<MessageUnpinnedEvent> NextUnpinAsync(TimeSpan? wait = null) => Next(unpins, wait);

    public IReadOnlyList<PinDto> DrainPins() => Drain(pins);

    public IReadOnlyList<MessageUnpinnedEvent> DrainUnpins() => Drain(unpins);

    /// <summary>The next time this connection hears its user read further in a thread, within the deadline.</summary>
    public Task<ThreadReadEvent> NextThreadReadAsync(TimeSpan? wait = null) => Next(threadReads, wait);

    public IReadOnlyList<ThreadReadEvent> DrainThreadReads() => Drain(threadReads);

    /// <summary>The next message this connection receives, within the deadline.</summary>
    public Task<MessageDto> NextMessageAsync(TimeSpan? wait = null) => Next(messages, wait);

    /// <summary>The next message of <paramref name="type"/>, skipping others (joins and leaves, say).</summary>
    public async Task<MessageDto> NextMessageAsync(MessageType type, TimeSpan? wait = null)
    {
        using var deadline = new CancellationTokenSource(wait ?? DefaultWait);
        while (true)
        {
            var message = await messages.Reader.ReadAsync(deadline.Token);
            if (message.Type == type)
            {
                return message;
            }
        }
    }

    public Task<UserJoinedEvent> NextJoinAsync(TimeSpan? wait = null) => Next(joined, wait);

    public Task<UserLeftEvent> NextLeaveAsync(TimeSpan? wait = null) => Next(left, wait);

    public Task<TypingChangedEvent> NextTypingAsync(TimeSpan? wait = null) => Next(typing, wait);

    /// <summary>Every typing change received so far and not yet read by a test.</summary>
    public IReadOnlyList<TypingChangedEvent> DrainTyping() => Drain(typing);

    /// <summary>The next presence change this connection hears, within the deadline.</summary>
    public Task<PresenceChangedEvent> NextPresenceAsync(TimeSpan? wait = null) => Next(presence, wait);

    /// <summary>The next presence change of <paramref name="userId"/>, skipping other users'.</summary>
    public async Task<PresenceChangedEvent> NextPresenceAsync(Guid userId, TimeSpan? wait = null)
    {
        while (true)
        {
            var change = await NextPresenceAsync(wait);
            if (change.UserId == userId)
            {
                return change;
            }
        }
    }

    public Task<MessageDto> NextUpdateAsync(TimeSpan? wait = null) => Next(updated, wait);

    public Task<MessageDeletedEvent> NextDeletionAsync(TimeSpan? wait = null) => Next(deleted, wait);

    public Task<ReceiptDto> NextReceiptAsync(TimeSpan? wait = null) => Next(receipts, wait);

    public Task<ReactionChangedEvent> NextReactionAsync(TimeSpan? wait = null) => Next(reactions, wait);

    /// <summary>The next time this connection is taken out of a room, within the deadline.</summary>
    public Task<RemovedFromRoomEvent> NextRemovalAsync(TimeSpan? wait = null) => Next(removals, wait);

    /// <summary>The next role or mute change this connection hears, within the deadline.</summary>
    public Task<MemberDto> NextMemberUpdateAsync(TimeSpan? wait = null) => Next(memberUpdates, wait);

    public Task<RoomDto> NextRoomUpdateAsync(TimeSpan? wait = null) => Next(roomUpdates, wait);

    /// <summary>The next time the node says this connection may have missed events, within the deadline.</summary>
    public Task<ResyncRequiredEvent> NextResyncAsync(TimeSpan? wait = null) => Next(resyncs, wait);

    /// <summary>The next receipt of <paramref name="userId"/>, skipping other members' receipts.</summary>
    public async Task<ReceiptDto> NextReceiptOfAsync(Guid userId, TimeSpan? wait = null)
    {
        while (true)
        {
            var receipt = await Next(receipts, wait);
            if (receipt.UserId == userId)
            {
                return receipt;
            }
        }
    }

    /// <summary>The next part of a streamed reply, within the deadline.</summary>
    public Task<MessageStreamingEvent> NextStreamingAsync(TimeSpan? wait = null) => Next(streaming, wait);

    public IReadOnlyList<MessageStreamingEvent> DrainStreaming() => Drain(streaming);

    public Task StopReplyAsync(Guid roomId, Guid messageId) =>
        Connection.InvokeAsync(nameof(IChatHub.StopReply), roomId.ToString(), messageId.ToString());

    /// <summary>Every presence change received so far and not yet read by a test.</summary>
    public IReadOnlyList<PresenceChangedEvent> DrainPresence() => Drain(presence);

    /// <summary>The next presence digest of a watched large room, within the deadline.</summary>
    public Task<PresenceDigestEvent> NextDigestAsync(TimeSpan? wait = null) => Next(digests, wait);

    public IReadOnlyList<PresenceDigestEvent> DrainDigests() => Drain(digests);

    public IReadOnlyList<UserJoinedEvent> DrainJoins() => Drain(joined);

    public IReadOnlyList<UserLeftEvent> DrainLeaves() => Drain(left);

    /// <summary>The updates received so far and not yet read by a test.</summary>
    public IReadOnlyList<MessageDto> DrainUpdates() => Drain(updated);

    public IReadOnlyList<MessageDeletedEvent> DrainDeletions() => Drain(deleted);

    public IReadOnlyList<ReceiptDto> DrainReceipts() => Drain(receipts);

    public IReadOnlyList<ReactionChangedEvent> DrainReactions() => Drain(reactions);

    /// <summary>Every message received so far and not yet read by a test.</summary>
    public IReadOnlyList<MessageDto> DrainMessages() => Drain(messages);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private static List<T> Drain<T>(Channel<T> channel)
    {
        var drained = new List<T>();
        while (channel.Reader.TryRead(out var item))
        {
            drained.Add(item);
        }

        return drained;
    }

    private static async Task<T> Next<T>(Channel<T> channel, TimeSpan? wait)
    {
        using var deadline = new CancellationTokenSource(wait ?? DefaultWait);
        try
        {
            return await channel.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {typeof(T).Name} arrived within {(wait ?? DefaultWait).TotalSeconds} s");
        }
    }
}
