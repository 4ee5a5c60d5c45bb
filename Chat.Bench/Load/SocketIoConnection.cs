using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Chat.Bench.Load;

/// <summary>
/// A simulated user's Socket.IO connection: the least of an Engine.IO v4 / Socket.IO v5 client
/// over a WebSocket (no long-polling, no upgrade), with the MessagePack parser. It opens the
/// socket, answers the server's pings, connects to the main namespace, joins rooms and sends
/// with acknowledgements; the content of each <c>message</c> event goes to the user. Written
/// for the bench rather than taken from a Socket.IO client library so that the load costs the
/// generator about the same per message whichever server it drives.
/// </summary>
public sealed class SocketIoConnection : ILoadConnection
{
    private const int ReceiveChunk = 16 * 1024;
    private static readonly byte[] Pong = "3"u8.ToArray();

    private readonly Uri endpoint;
    private readonly LoopbackConnector connector;
    private readonly Action<string> onMessage;
    private readonly ClientWebSocket socket = new();
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource> acks = new();
    private readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private int nextId;
    private Task? receiving;

    public SocketIoConnection(Uri node, LoopbackConnector connector, Action<string> onMessage)
    {
        endpoint = new UriBuilder(LoopbackConnector.WebSocketUri(new Uri(node, "socket.io/"))) { Query = "EIO=4&transport=websocket" }.Uri;
        this.connector = connector;
        this.onMessage = onMessage;
    }

    /// <summary>Opens the WebSocket and returns once the server has confirmed the namespace connection.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(endpoint, connector.Invoker, cancellationToken);
        receiving = ReceiveAsync();
        await connected.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Joins the room's Socket.IO room; returns once the server acknowledged it.</summary>
    public Task JoinAsync(string roomId, CancellationToken cancellationToken) =>
        EmitAsync((output, id) => SocketIoPackets.WriteJoin(output, id, roomId)).WaitAsync(cancellationToken);

    public Task SendMessageAsync(string roomId, string clientMessageId, string content) =>
        EmitAsync((output, id) => SocketIoPackets.WriteSend(output, id, roomId, clientMessageId, content));

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        socket.Abort();
        if (receiving is not null)
        {
            await receiving;
        }

        socket.Dispose();
        sending.Dispose();
        stopping.Dispose();
    }

    /// <summary>Sends an event that wants an acknowledgement; completes with that acknowledgement.</summary>
    private async Task EmitAsync(Action<ArrayBufferWriter<byte>, int> write)
    {
        var id = Interlocked.Increment(ref nextId);
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        acks[id] = ack;
        var packet = new ArrayBufferWriter<byte>(128);
        write(packet, id);
        try
        {
            await SendFrameAsync(packet.WrittenMemory, WebSocketMessageType.Binary);
        }
        catch
        {
            acks.TryRemove(id, out _);
            throw;
        }

        await ack.Task;
    }

    // A WebSocket takes one send at a time; pongs and events share it.
    private async Task SendFrameAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type)
    {
        await sending.WaitAsync(stopping.Token);
        try
        {
            await socket.SendAsync(frame, type, endOfMessage: true, stopping.Token);
        }
        finally
        {
            sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        Exception failure = new WebSocketException("the server closed the connection");
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(message.GetMemory(ReceiveChunk), stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await OnEngineTextAsync(message.WrittenMemory);
                }
                else
                {
                    OnPacket(SocketIoPackets.Read(message.WrittenMemory));
                }

                message.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException
            or MessagePack.MessagePackSerializationException or InvalidOperationException)
        {
            failure = e;
        }

        connected.TrySetException(failure);
        foreach (var id in acks.Keys)
        {
            if (acks.TryRemove(id, out var ack))
            {
                ack.TrySetException(failure);
            }
        }
    }

    /// <summary>
    /// Engine.IO's own packets travel as text: <c>0</c> open (answered by connecting to the
    /// namespace), <c>2</c> ping (answered by a pong), <c>1</c> close.
    /// </summary>
    private Task OnEngineTextAsync(ReadOnlyMemory<byte> text)
    {
        switch (text.Length > 0 ? (char)text.Span[0] : ' ')
        {
            case '0':
                var connect = new ArrayBufferWriter<byte>(32);
                SocketIoPackets.WriteConnect(connect);
                return SendFrameAsync(connect.WrittenMemory, WebSocketMessageType.Binary);
            case '2':
                return SendFrameAsync(Pong, WebSocketMessageType.Text);
            case '1':
                throw new WebSocketException("the server closed the Engine.IO session");
            default:
                return Task.CompletedTask;
        }
    }

    private void OnPacket(SocketIoPackets.Received packet)
    {
        switch (packet.Type)
        {
            case SocketIoPackets.Connect:
                connected.TrySetResult();
                break;
            case SocketIoPackets.Event when packet.Content is { } content:
                onMessage(content);
                break;
            case SocketIoPackets.Ack when packet.Id is { } id && acks.TryRemove(id, out var ack):
                ack.TrySetResult();
                break;
            case SocketIoPackets.ConnectError or SocketIoPackets.Disconnect:
                throw new InvalidOperationException("the server refused or ended the namespace connection");
        }
    }
}
