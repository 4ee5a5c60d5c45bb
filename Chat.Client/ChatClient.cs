using System.Collections.Concurrent;
using System.Net.WebSockets;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chat.Client;

/// <summary>
/// A typed client of the chat hub for other services. It reconnects by itself and, once back,
/// fetches what it missed with <c>Sync</c>, raising <see cref="MessageReceived"/> once per
/// message, in seq order per room. Refusals surface as <see cref="ChatServiceException"/>.
/// </summary>
/// <remarks>
/// Event handlers run on the connection's receive loop: a handler that awaits a call on this
/// same client waits for an answer the loop cannot read yet, so hand such work off instead.
/// </remarks>
public sealed partial class ChatClient : IAsyncDisposable
{
    private static readonly TimeSpan[] RecoveryRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];
    private static readonly TimeSpan[] SendRetryDelays =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly HubConnection connection;
    private readonly RetryForever reconnectDelays;
    private readonly ILogger logger;
    private readonly ReceivedMessages received = new();

    // Further Syncs while a held message still lies past what Sync returned, and the pause before each.
    private const int ExtraSyncRounds = 3;
    private static readonly TimeSpan ExtraSyncDelay = TimeSpan.FromMilliseconds(250);
    private readonly TimeSpan sendRetryWindow;

    // One catch-up at a time, whatever asked for it: a reconnect, ResyncRequired or a seq gap.
    private readonly SemaphoreSlim recovery = new(1, 1);

    // Guards `received`, `recovering` and `held`, and raises MessageReceived one message at a time.
    private readonly SemaphoreSlim delivery = new(1, 1);

    // Between a reconnect and the end of its Sync, live messages wait here so that nothing newer
    // overtakes what the Sync brings back.
    private readonly List<MessageDto> held = [];

    // Rooms whose presence this client watches, to watch again on a new connection.
    private readonly ConcurrentDictionary<Guid, byte> watchedPresence = new();
    private bool recovering;

    // Set when deliveries may have been lost (a reconnect, ResyncRequired, a restart), as opposed
    // to a seq gap, which is mostly others' private messages: only then are further Syncs worth it.
    private bool afterLoss;

    // Set while the caller wants the client stopped (StopAsync, DisposeAsync): only then does a
    // closed connection stay closed.
    private volatile bool stopped;

    public ChatClient(ChatClientOptions options, ILogger<ChatClient>? logger = null)
    {
        this.logger = logger ?? NullLogger<ChatClient>.Instance;
        sendRetryWindow = options.SendRetryWindow;
        reconnectDelays = new RetryForever(options.ReconnectDelays);
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(options.Root, IChatHub.Path.TrimStart('/')), o =>
            {
                o.AccessTokenProvider = options.AccessTokenProvider;
                if (options.WebSocketCompression)
                {
                    // The token travels in the handshake, never in a compressed frame.
                    o.WebSocketConfiguration = webSocket => webSocket.DangerousDeflateOptions = new WebSocketDeflateOptions();
                }
            })
            .WithAutomaticReconnect(reconnectDelays)
            .WithStatefulReconnect();
        builder = options.UseJsonProtocol
            ? builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            : builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        connection = builder.Build();

        connection.On<MessageDto>(nameof(IChatClient.MessageReceived), OnMessageAsync);
        connection.On<MessageDto>(nameof(IChatClient.MessageUpdated), m => Raise(MessageUpdated, m));
        connection.On<MessageStreamingEvent>(nameof(IChatClient.MessageStreaming), e => Raise(MessageStreaming, e));
        connection.On<MessageDeletedEvent>(nameof(IChatClient.MessageDeleted), e => Raise(MessageDeleted, e));
        connection.On<UserJoinedEvent>(nameof(IChatClient.UserJoined), e => Raise(UserJoined, e));
        connection.On<UserLeftEvent>(nameof(IChatClient.UserLeft), e => Raise(UserLeft, e));
        connection.On<TypingChangedEvent>(nameof(IChatClient.TypingChanged), e => Raise(TypingChanged, e));
        connection.On<ReceiptDto>(nameof(IChatClient.ReceiptUpdated), e => Raise(ReceiptUpdated, e));
        connection.On<PresenceChangedEvent>(nameof(IChatClient.PresenceChanged), e => Raise(PresenceChanged, e));
        connection.On<PresenceDigestEvent>(nameof(IChatClient.PresenceDigest), e => Raise(PresenceDigest, e));
        connection.On<ReactionChangedEvent>(nameof(IChatClient.ReactionChanged), e => Raise(ReactionChanged, e));
        connection.On<MemberDto>(nameof(IChatClient.MemberUpdated), e => Raise(MemberUpdated, e));
        connection.On<RemovedFromRoomEvent>(nameof(IChatClient.RemovedFromRoom), OnRemovedAsync);
        connection.On<RoomDto>(nameof(IChatClient.RoomUpdated), e => Raise(RoomUpdated, e));
        connection.On<PinDto>(nameof(IChatClient.MessagePinned), e => Raise(MessagePinned, e));
        connection.On<MessageUnpinnedEvent>(nameof(IChatClient.MessageUnpinned), e => Raise(MessageUnpinned, e));
        connection.On<ThreadReadEvent>(nameof(IChatClient.ThreadReadUpdated), e => Raise(ThreadReadUpdated, e));
        connection.On<ResyncRequiredEvent>(nameof(IChatClient.ResyncRequired), _ => BeginRecoveryAsync());
        connection.Reconnecting += OnReconnectingAsync;
        connection.Reconnected += _ => RecoverAsync();
        connection.Closed += OnClosedAsync;
    }

    /// <summary>A new message, live or recovered after a reconnect; each message once, in seq order per room.</summary>
    public event Func<MessageDto, Task>? MessageReceived;

    /// <summary>A message's content was edited.</summary>
    public event Func<MessageDto, Task>? MessageUpdated;

    /// <summary>
    /// A part of a streamed message (a bot's reply, another service's stream): apply the parts
    /// whose index is above the message's <c>streamIndex</c>; <see cref="MessageUpdated"/> ends it.
    /// </summary>
    public event Func<MessageStreamingEvent, Task>? MessageStreaming;

    public event Func<MessageDeletedEvent, Task>? MessageDeleted;

    public event Func<UserJoinedEvent, Task>? UserJoined;

    public event Func<UserLeftEvent, Task>? UserLeft;

    /// <summary>The whole list of who types in a room now.</summary>
    public event Func<TypingChangedEvent, Task>? TypingChanged;

    public event Func<ReceiptDto, Task>? ReceiptUpdated;

    public event Func<PresenceChangedEvent, Task>? PresenceChanged;

    /// <summary>A watched large room's presence changes since the last digest (see <see cref="WatchPresenceAsync"/>).</summary>
    public event Func<PresenceDigestEvent, Task>? PresenceDigest;

    public event Func<ReactionChangedEvent, Task>? ReactionChanged;

    /// <summary>A member's role or mute changed.</summary>
    public event Func<MemberDto, Task>? MemberUpdated;

    /// <summary>This user left, was kicked or banned: the room is no longer followed.</summary>
    public event Func<RemovedFromRoomEvent, Task>? RemovedFromRoom;

    public event Func<RoomDto, Task>? RoomUpdated;

    /// <summary>A moderator pinned a message of a room.</summary>
    public event Func<PinDto, Task>? MessagePinned;

    /// <summary>A message lost its pin: unpinned, or deleted while pinned (<c>by</c> is then the deleter).</summary>
    public event Func<MessageUnpinnedEvent, Task>? MessageUnpinned;

    /// <summary>This user read further in a thread, on this connection or another of theirs.</summary>
    public event Func<ThreadReadEvent, Task>? ThreadReadUpdated;

    /// <summary>The connection is lost and being re-established.</summary>
    public event Func<Exception?, Task>? Reconnecting
    {
        add => connection.Reconnecting += value;
        remove => connection.Reconnecting -= value;
    }

    /// <summary>The connection is back and what was missed meanwhile has been raised.</summary>
    public event Func<Task>? Recovered;

    public HubConnectionState State => connection.State;

    /// <summary>
    /// Connects. On a restart after <see cref="StopAsync"/>, first fetches what the followed rooms
    /// got meanwhile, as a reconnect would.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        stopped = false;
        bool resume;
        await delivery.WaitAsync(cancellationToken);
        try
        {
            resume = received.TracksAnyRoom;
            recovering = resume;
            afterLoss = resume;
        }
        finally
        {
            delivery.Release();
        }

        await connection.StartAsync(cancellationToken);
        if (resume)
        {
            await CatchUpAsync(cancellationToken);
        }

        await WatchAgainAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        stopped = true;
        return connection.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Fetches what was missed in every followed room since the last seq seen and raises
    /// <see cref="MessageReceived"/> for it, then whatever arrived live meanwhile. Runs by itself
    /// after a reconnect and on a restart.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        bool thorough;
        await delivery.WaitAsync(cancellationToken);
        try
        {
            thorough = afterLoss || !recovering;
        }
        finally
        {
            delivery.Release();
        }

        for (var round = 0; ; round++)
        {
            var seen = await SyncPagesAsync(cancellationToken);
            // A message held while catching up may lie past messages this Sync could not see
            // yet (stored just after it read, their live delivery lost): raised now, it would come
            // before them. Asked again a few times; past that, a gap Sync never fills is others'
            // private messages, and the held ones go out.
            if (!thorough || round >= ExtraSyncRounds || !await HeldPastWhatSyncSawAsync(seen, cancellationToken))
            {
                break;
            }

            await Task.Delay(ExtraSyncDelay, cancellationToken);
        }

        await ReleaseHeldAsync(cancellationToken);
    }

    /// <summary>Syncs every followed room to its end; returns the highest seq the answers held per room.</summary>
    private async Task<Dictionary<Guid, long>> SyncPagesAsync(CancellationToken cancellationToken)
    {
        var seen = new Dictionary<Guid, long>();
        bool more;
        do
        {
            SyncRequest request;
            await delivery.WaitAsync(cancellationToken);
            try
            {
                request = received.ToSyncRequest();
            }
            finally
            {
                delivery.Release();
            }

            if (request.Rooms is not { Count: > 0 })
            {
                break;
            }

            var result = await SyncAsync(request, cancellationToken);
            foreach (var room in result.Rooms)
            {
                foreach (var message in room.Messages)
                {
                    seen[room.RoomId] = Math.Max(seen.GetValueOrDefault(room.RoomId), message.Seq);
                    await DeliverAsync(message, cancellationToken);
                }
            }

            // A page that repeated only what was already raised moves no seq forward; asking
            // again would get the same page.
            more = result.Rooms.Any(r => r.HasMore && r.Messages.Count > 0);
        }
        while (more);

        return seen;
    }

    /// <summary>True when a held message lies past a gap that the last Sync's answers did not reach.</summary>
    private async Task<bool> HeldPastWhatSyncSawAsync(Dictionary<Guid, long> seen, CancellationToken cancellationToken)
    {
        await delivery.WaitAsync(cancellationToken);
        try
        {
            return held.Any(m => received.FollowsGap(m) && seen.GetValueOrDefault(m.RoomId) < m.Seq);
        }
        finally
        {
            delivery.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        stopped = true;
        await connection.DisposeAsync();
        delivery.Dispose();
        recovery.Dispose();
    }

    private async Task OnMessageAsync(MessageDto message)
    {
        await delivery.WaitAsync();
        try
        {
            if (recovering)
            {
                held.Add(message);
                return;
            }

            // A seq past the next one: something may be missing in between (or it is a private
            // message of others, which Sync then shows is nothing): hold this one and catch up.
            if (received.FollowsGap(message))
            {
                held.Add(message);
                recovering = true;
                _ = Task.Run(RecoverAsync);
                return;
            }

            if (received.Accept(message))
            {
                await Raise(MessageReceived, message);
            }
        }
        finally
        {
            delivery.Release();
        }
    }

    private async Task DeliverAsync(MessageDto message, CancellationToken cancellationToken)
    {
        await delivery.WaitAsync(cancellationToken);
        try
        {
            if (received.Accept(message))
            {
                await Raise(MessageReceived, message);
            }
        }
        finally
        {
            delivery.Release();
        }
    }

    private async Task ReleaseHeldAsync(CancellationToken cancellationToken)
    {
        await delivery.WaitAsync(cancellationToken);
        try
        {
            foreach (var message in held.OrderBy(m => m.RoomId).ThenBy(m => m.Seq))
            {
                if (received.Accept(message))
                {
                    await Raise(MessageReceived, message);
                }
            }

            held.Clear();
            recovering = false;
            afterLoss = false;
        }
        finally
        {
            delivery.Release();
        }
    }

    /// <summary>
    /// The connection closed for good as far as SignalR is concerned: the server closed it and
    /// said not to reconnect, which it does when its OnConnectedAsync failed (the database away
    /// for a moment, a reconnect storm). Unless the caller stopped the client, it connects again
    /// with the reconnect delays, and catches up as after any reconnect. Started on the side, as
    /// the handler runs on the connection's own close.
    /// </summary>
    private async Task OnClosedAsync(Exception? error)
    {
        if (stopped)
        {
            return;
        }

        await OnReconnectingAsync(error);
        _ = Task.Run(() => StartAgainAsync(error));
    }

    private async Task StartAgainAsync(Exception? error)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 0; !stopped; attempt++)
        {
            await Task.Delay(reconnectDelays.NextRetryDelay(new RetryContext { PreviousRetryCount = attempt, ElapsedTime = clock.Elapsed, RetryReason = error })
                ?? TimeSpan.FromSeconds(5));
            try
            {
                if (stopped || connection.State != HubConnectionState.Disconnected)
                {
                    return;
                }

                await connection.StartAsync();
            }
            catch (Exception e)
            {
                if (stopped || e is ObjectDisposedException)
                {
                    return;
                }

                LogStartAgainFailed(logger, e);
                continue;
            }

            await RecoverAsync();
            return;
        }
    }

    private async Task OnReconnectingAsync(Exception? error)
    {
        await delivery.WaitAsync();
        try
        {
            recovering = true;
            afterLoss = true;
        }
        finally
        {
            delivery.Release();
        }
    }

    private async Task RecoverAsync()
    {
        await recovery.WaitAsync();
        try
        {
            // A failed Sync (the database briefly away on a node that is up) is tried again while the
            // connection lasts; if it drops, the next reconnect starts over.
            for (var attempt = 0; connection.State == HubConnectionState.Connected; attempt++)
            {
                try
                {
                    await CatchUpAsync();
                    await WatchAgainAsync();
                    LogRecovered(logger);
                    await Raise(Recovered);
                    return;
                }
                catch (Exception e) when (e is ChatServiceException or HubException or InvalidOperationException or IOException)
                {
                    LogRecoveryFailed(logger, e);
                    await Task.Delay(RecoveryRetryDelays[Math.Min(attempt, RecoveryRetryDelays.Length - 1)]);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The client was disposed while catching up.
        }
        finally
        {
            ReleaseRecovery();
        }
    }

    /// <summary>A new connection watches no room's presence: the rooms watched before are watched again.</summary>
    private async Task WatchAgainAsync()
    {
        foreach (var roomId in watchedPresence.Keys)
        {
            try
            {
                await connection.InvokeAsync(nameof(IChatHub.WatchPresence), roomId.ToString(), true);
            }
            catch (HubException)
            {
                // No longer a member: there is nothing to watch.
                watchedPresence.TryRemove(roomId, out _);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
            {
                // The connection is gone again; the next one watches again.
                return;
            }
        }
    }

    private void ReleaseRecovery()
    {
        try
        {
            recovery.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// The server says this connection may have missed events: live messages wait while a Sync
    /// fetches what is missing, as after a reconnect. Started on the side, as a handler must not
    /// await a call on its own connection.
    /// </summary>
    private async Task BeginRecoveryAsync()
    {
        await delivery.WaitAsync();
        try
        {
            recovering = true;
            afterLoss = true;
        }
        finally
        {
            delivery.Release();
        }

        _ = Task.Run(RecoverAsync);
    }

    /// <summary>
    /// Whether a failed send may have been stored after all, so that repeating it with its
    /// clientMessageId is how to find out: the connection failed under it, or the service said
    /// <c>unavailable</c>. The caller's own cancellation and any other refusal are final.
    /// </summary>
    private static bool IsOutcomeUnknown(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        ChatServiceException refusal => refusal.Code == ErrorCodes.Unavailable,
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        ObjectDisposedException => false,
        _ => true,
    };

    private async Task WaitUntilConnectedAsync(DateTime giveUpAt, CancellationToken cancellationToken)
    {
        while (connection.State != HubConnectionState.Connected && DateTime.UtcNow < giveUpAt)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private async Task OnRemovedAsync(RemovedFromRoomEvent removed)
    {
        await Forget(removed.RoomId);
        await Raise(RemovedFromRoom, removed);
    }

    private async Task Follow(Guid roomId, long seq)
    {
        await delivery.WaitAsync();
        try
        {
            received.Track(roomId, seq);
        }
        finally
        {
            delivery.Release();
        }
    }

    private async Task NoteSentAsync(MessageAck ack)
    {
        await delivery.WaitAsync();
        try
        {
            received.NoteSent(ack.RoomId, ack.Seq);
        }
        finally
        {
            delivery.Release();
        }
    }

    private async Task Forget(Guid roomId)
    {
        await delivery.WaitAsync();
        try
        {
            received.Forget(roomId);
        }
        finally
        {
            delivery.Release();
        }
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

    private static async Task Raise(Func<Task>? handlers)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
        {
            await handler();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnected to the chat hub and caught up")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up after a reconnect failed; trying again")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting again after the hub closed the connection failed; trying again")]
    private static partial void LogStartAgainFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The outcome of send {ClientMessageId} is unknown; sending it again")]
    private static partial void LogSendRetried(ILogger logger, string clientMessageId, Exception exception);
}
