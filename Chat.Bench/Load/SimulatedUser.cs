using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using Chat.Bench.Targets;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Bench.Load;

/// <summary>
/// One simulated user: one HubConnection. The content of every message it sends starts with the
/// sender's <see cref="Stopwatch"/> timestamp, so a receiver in this same process measures
/// send-to-receipt latency without clocks to agree on.
/// </summary>
public sealed class SimulatedUser : IAsyncDisposable
{
    private readonly LoadMetrics metrics;
    private long received;
    private long acked;

    public SimulatedUser(BenchIdentity identity, bool json, LoopbackConnector connector, LoadMetrics metrics, ReplyMetrics? replies = null)
    {
        Identity = identity;
        this.metrics = metrics;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(identity.Node, IChatHub.Path.TrimStart('/')), o =>
            {
                // Straight to the WebSocket, opened through the connector's source addresses.
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
                o.WebSocketFactory = (context, ct) => OpenAsync(context.Uri, identity.Token, connector, ct);
            });
        builder = json
            ? builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            : builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        Connection = builder.Build();
        // A loaded server answers pings late; dropping the connection would only muddy the numbers.
        Connection.ServerTimeout = TimeSpan.FromMinutes(2);
        Connection.On<MessageDto>(nameof(IChatClient.MessageReceived), OnMessage);
        Replies = replies is null ? null : new ReplyReader(Connection, replies);
    }

    public BenchIdentity Identity { get; }

    public HubConnection Connection { get; }

    /// <summary>What this member sees of the bots' streamed replies, in the bots scenario.</summary>
    public ReplyReader? Replies { get; }

    /// <summary>The room this user sends to, and how many others receive what it sends.</summary>
    public (string RoomId, int Receivers) Room { get; set; }

    /// <summary>Stamped messages this user received.</summary>
    public long Received => Interlocked.Read(ref received);

    /// <summary>Messages this user sent that the server acknowledged.</summary>
    public long Acked => Interlocked.Read(ref acked);

    /// <summary>Sends one message to <see cref="Room"/> and records its ack or its error.</summary>
    public async Task SendAsync(string padding)
    {
        var (roomId, receivers) = Room;
        var stamp = Stopwatch.GetTimestamp();
        var content = string.Concat(stamp.ToString(CultureInfo.InvariantCulture), padding);
        metrics.OnSend();
        try
        {
            await Connection.InvokeAsync<MessageAck>(
                nameof(IChatHub.SendMessage), new SendMessageRequest(roomId, ClientMessageIds.New().ToString(), "text", content));
            Interlocked.Increment(ref acked);
            metrics.OnAck(stamp, receivers);
        }
        catch (Exception e)
        {
            metrics.OnSendFailed(ErrorCode(e));
        }
    }

    /// <summary>The contract's error code of a hub failure, or the exception's type for anything else.</summary>
    public static string ErrorCode(Exception e) => e switch
    {
        HubException { Message: var message } when message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon =>
            message[..colon].Trim(),
        _ => e.GetType().Name,
    };

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private void OnMessage(MessageDto message)
    {
        // Join and leave notices travel as messages too, and bots' replies are counted apart;
        // only the load's own text is measured here.
        if (message.Type != MessageType.Text || Replies?.TryBegin(message) == true)
        {
            return;
        }

        var content = message.Content.AsSpan();
        var end = content.IndexOf(' ');
        if (end > 0 && long.TryParse(content[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var stamp))
        {
            Interlocked.Increment(ref received);
            metrics.OnDelivered(stamp);
        }
        else
        {
            metrics.OnError("unstamped_message");
        }
    }

    private static async ValueTask<WebSocket> OpenAsync(Uri uri, string? token, LoopbackConnector connector, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        }

        var target = new UriBuilder(uri) { Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : uri.Scheme == Uri.UriSchemeHttp ? "ws" : uri.Scheme }.Uri;
        try
        {
            await socket.ConnectAsync(target, connector.Invoker, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
