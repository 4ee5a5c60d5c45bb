using System.Net;
using System.Net.Sockets;

namespace Chat.Bench.Load;

/// <summary>
/// Opens the client side of every WebSocket from one of several loopback source addresses
/// (127.0.0.1, 127.0.0.2, …). One source address and one server port allow only as many
/// connections as the ephemeral port range holds (about 28,000); each extra address adds as many.
/// </summary>
public sealed class LoopbackConnector : IDisposable
{
    // Linux: IPPROTO_IP level, IP_BIND_ADDRESS_NO_PORT. Binding only the address leaves the port to
    // connect(), which may then reuse a port towards different destinations.
    private const int IpProtocolLevel = 0;
    private const int BindAddressNoPort = 24;

    private readonly IPAddress[] sources;
    private int next;

    public LoopbackConnector(int sourceAddresses)
    {
        sources = Enumerable.Range(1, sourceAddresses).Select(i => new IPAddress([127, 0, 0, (byte)i])).ToArray();
        Handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        Invoker = new HttpMessageInvoker(Handler, disposeHandler: false);
    }

    public SocketsHttpHandler Handler { get; }

    /// <summary>What <c>ClientWebSocket.ConnectAsync</c> sends its upgrade request through.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>The ws: (or wss:) address of an http: (or https:) one.</summary>
    public static Uri WebSocketUri(Uri uri) =>
        new UriBuilder(uri) { Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : uri.Scheme == Uri.UriSchemeHttp ? "ws" : uri.Scheme }.Uri;

    public void Dispose()
    {
        Invoker.Dispose();
        Handler.Dispose();
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IsLoopback(context.DnsEndPoint.Host))
            {
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(IpProtocolLevel, BindAddressNoPort, BitConverter.GetBytes(1));
                }

                var source = sources[(int)((uint)Interlocked.Increment(ref next) % sources.Length)];
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address) && address.AddressFamily == AddressFamily.InterNetwork);
}
