using System.Threading.Channels;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Infrastructure;

/// <summary>Which SignalR hub protocol a test connection speaks.</summary>
public enum HubProtocol
{
    MessagePack,
    Json,
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

    private HubClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<MessageDto>(nameof(IChatClient.MessageReceived), m => messages.Writer.TryWrite(m));
        connection.On<UserJoinedEvent>(nameof(IChatClient.UserJoined), e => joined.Writer.TryWrite(e));
        connection.On<UserLeftEvent>(nameof(IChatClient.UserLeft), e => left.Writer.TryWrite(e));
    }

    public HubConnection Connection { get; }

    /// <summary>Opens a connection for <paramref name="user"/> speaking <paramref name="protocol"/>.</summary>
    public static async Task<HubClient> ConnectAsync(ChatNode node, TestUser user, HubProtocol protocol = HubProtocol.MessagePack)
    {
        var client = new HubClient(Build(node, user.Token, protocol));
        await client.Connection.StartAsync();

        // The handshake completes before the server's OnConnectedAsync has put the connection in
        // its rooms' groups; the server handles a call only after that, so one round trip makes
        // sure the connection hears everything that happens from now on.
        await client.Connection.InvokeAsync<SyncResult>("Sync", new SyncRequest([]));
        return client;
    }

    /// <summary>A connection that is built but not started, for tests of the handshake itself.</summary>
    public static HubConnection Build(ChatNode node, string? token, HubProtocol protocol = HubProtocol.MessagePack)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Address, ChatHubMethods.Path.TrimStart('/')), options =>
            {
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            });
        builder = protocol == HubProtocol.MessagePack
            ? builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions)
            : builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions));
        return builder.Build();
    }

    /// <summary>
    /// Opens a WebSocket-only connection to <paramref name="address"/> (a relay in front of a node,
    /// say) without the negotiate round trip, with <paramref name="configure"/> applied to it.
    /// </summary>
    public static async Task<HubClient> ConnectWebSocketAsync(
        Uri address, TestUser user, HubProtocol protocol, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions> configure)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(address, ChatHubMethods.Path.TrimStart('/')), options =>
            {
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
                configure(options);
            });
        builder = protocol == HubProtocol.MessagePack
            ? builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions)
            : builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions));
        var client = new HubClient(builder.Build());
        await client.Connection.StartAsync();
        await client.Connection.InvokeAsync<SyncResult>("Sync", new SyncRequest([]));
        return client;
    }

    public Task<RoomSnapshot> JoinRoomAsync(Guid roomId) => Connection.InvokeAsync<RoomSnapshot>("JoinRoom", roomId.ToString());

    public Task<MessageAck> SendTextAsync(Guid roomId, string content, Guid? clientMessageId = null) =>
        Connection.InvokeAsync<MessageAck>("SendMessage", new SendMessageRequest(
            roomId.ToString(), (clientMessageId ?? Guid.NewGuid()).ToString(), "text", content));

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

    /// <summary>Every message received so far and not yet read by a test.</summary>
    public IReadOnlyList<MessageDto> DrainMessages()
    {
        var drained = new List<MessageDto>();
        while (messages.Reader.TryRead(out var message))
        {
            drained.Add(message);
        }

        return drained;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

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
