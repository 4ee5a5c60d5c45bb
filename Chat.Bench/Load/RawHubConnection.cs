using System.Buffers;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Chat.Contracts;

namespace Chat.Bench.Load;

/// <summary>
/// A hub connection written against the wire (SignalR's JSON protocol over a WebSocket), for what
/// the real clients never do: stop reading their socket, or take everything and never
/// acknowledge it with stateful reconnect. The bench's stuck members and the tests use it. Its
/// socket's receive buffer is kept small, so that the server feels a client that stops reading
/// after its own buffers fill rather than the client's too.
/// </summary>
public sealed class RawHubConnection : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private const int SocketReceiveBuffer = 8 * 1024;

    private readonly ClientWebSocket socket;
    private readonly ArrayBufferWriter<byte> pending = new();
    private readonly byte[] chunk = new byte[16 * 1024];
    private readonly CancellationTokenSource stopping = new();
    private int nextInvocationId;
    private Task? readingAll;

    private RawHubConnection(ClientWebSocket socket) => this.socket = socket;

    /// <summary>Whether the server closed the connection (a close frame, or the socket dropped).</summary>
    public bool ClosedByServer { get; private set; }

    /// <summary>
    /// Negotiates (asking for stateful reconnect when <paramref name="statefulReconnect"/>), opens
    /// the WebSocket and completes the JSON handshake, in version 2 so that stateful reconnect
    /// stays on.
    /// </summary>
    public static async Task<RawHubConnection> ConnectAsync(Uri node, string token, bool statefulReconnect)
    {
        using var http = new HttpClient { BaseAddress = node };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var negotiateUri = $"{IChatHub.Path.TrimStart('/')}/negotiate?negotiateVersion=1{(statefulReconnect ? "&useStatefulReconnect=true" : "")}";
        using var negotiated = await http.PostAsync(negotiateUri, content: null);
        negotiated.EnsureSuccessStatusCode();
        var answer = await negotiated.Content.ReadFromJsonAsync<JsonElement>();
        var connectionToken = answer.GetProperty("connectionToken").GetString()!;
        if (statefulReconnect && !(answer.TryGetProperty("useStatefulReconnect", out var offered) && offered.GetBoolean()))
        {
            throw new InvalidOperationException("The node does not offer stateful reconnect");
        }

        var socket = new ClientWebSocket();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                // A receive buffer set before connecting is also not grown by the kernel later.
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = SocketReceiveBuffer };
                try
                {
                    await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(tcp, ownsSocket: true);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }
            },
        };
        var hubUri = new UriBuilder(new Uri(node, IChatHub.Path.TrimStart('/')))
        {
            Scheme = "ws",
            Query = $"id={Uri.EscapeDataString(connectionToken)}&access_token={Uri.EscapeDataString(token)}",
        }.Uri;
        await socket.ConnectAsync(hubUri, new HttpMessageInvoker(handler), CancellationToken.None);

        var client = new RawHubConnection(socket);
        try
        {
            await client.SendAsync("""{"protocol":"json","version":2}""");
            using var handshake = await client.ReadRecordAsync();
            if (handshake.RootElement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"The handshake was refused: {error}");
            }
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>
    /// A member's connection that joins the room and from then on stops taking its data the way
    /// <paramref name="kind"/> says.
    /// </summary>
    public static async Task<RawHubConnection> StuckInRoomAsync(Uri node, string token, Guid roomId, StuckKind kind)
    {
        var client = await ConnectAsync(node, token, statefulReconnect: kind == StuckKind.NeverAcknowledges);
        try
        {
            await client.InvokeAsync(nameof(IChatHub.JoinRoom), roomId.ToString());
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        if (kind == StuckKind.NeverAcknowledges)
        {
            client.ReadEverythingAndNeverAcknowledge();
        }

        return client;
    }

    /// <summary>Calls a hub method and reads until its completion, passing over what the server sends before it.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object?[] arguments)
    {
        var id = (++nextInvocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments }));
        while (true)
        {
            using var record = await ReadRecordAsync();
            var root = record.RootElement;
            if (root.GetProperty("type").GetInt32() == 3 && root.GetProperty("invocationId").GetString() == id)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    throw new InvalidOperationException($"{method} failed: {error}");
                }

                return root.TryGetProperty("result", out var result) ? result.Clone() : default;
            }
        }
    }

    /// <summary>
    /// From now on reads everything the server sends, in the background, without ever sending an
    /// acknowledgement; ends when the server closes the connection.
    /// </summary>
    public void ReadEverythingAndNeverAcknowledge() => readingAll = ReadUntilClosedAsync();

    /// <summary>Waits until the server has closed the connection (only while reading everything).</summary>
    public Task WaitUntilClosedAsync(TimeSpan deadline) =>
        (readingAll ?? throw new InvalidOperationException("Not reading")).WaitAsync(deadline);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        socket.Abort();
        if (readingAll is not null)
        {
            await readingAll;
        }

        socket.Dispose();
        stopping.Dispose();
    }

    private async Task ReadUntilClosedAsync()
    {
        try
        {
            while (true)
            {
                using var record = await ReadRecordAsync();
            }
        }
        catch (Exception e) when (e is WebSocketException or EndOfStreamException or OperationCanceledException)
        {
            ClosedByServer = !stopping.IsCancellationRequested;
        }
    }

    private Task SendAsync(string json)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(json) + 1];
        Encoding.UTF8.GetBytes(json, bytes);
        bytes[^1] = RecordSeparator;
        return socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, stopping.Token);
    }

    /// <summary>The next record the server sent, whatever WebSocket frames it came in.</summary>
    private async Task<JsonDocument> ReadRecordAsync()
    {
        while (true)
        {
            var separator = pending.WrittenSpan.IndexOf(RecordSeparator);
            if (separator >= 0)
            {
                // A copy: the document reads its bytes lazily, and the buffer is reused below.
                var document = JsonDocument.Parse(pending.WrittenMemory[..separator].ToArray());
                var rest = pending.WrittenSpan[(separator + 1)..].ToArray();
                pending.Clear();
                pending.Write(rest);
                return document;
            }

            var received = await socket.ReceiveAsync(chunk, stopping.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new EndOfStreamException("The server closed the connection");
            }

            pending.Write(chunk.AsSpan(0, received.Count));
        }
    }
}
