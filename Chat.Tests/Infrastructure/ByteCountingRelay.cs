using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A TCP relay on a free loopback port in front of a node that counts the bytes crossing it in
/// each direction: what a client and the server really put on the wire, after any compression.
/// </summary>
public sealed class ByteCountingRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Uri target;
    private readonly Task accepting;
    private readonly List<Task> pumps = [];
    private long toServer;
    private long toClient;

    public ByteCountingRelay(Uri target)
    {
        this.target = target;
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the node.</summary>
    public Uri Address { get; }

    public long BytesToServer => Interlocked.Read(ref toServer);

    public long BytesToClient => Interlocked.Read(ref toClient);

    /// <summary>Everything that crossed, both ways.</summary>
    public long TotalBytes => BytesToServer + BytesToClient;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        Task[] running;
        lock (pumps)
        {
            running = [.. pumps];
        }

        await Task.WhenAll(running);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
                var server = new TcpClient();
                await server.ConnectAsync(target.Host, target.Port, stopping.Token);
                lock (pumps)
                {
                    pumps.Add(RelayAsync(client, server));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The relay is being disposed.
        }
    }

    private async Task RelayAsync(TcpClient client, TcpClient server)
    {
        using (client)
        using (server)
        {
            await Task.WhenAll(
                PumpAsync(client, server, count => Interlocked.Add(ref toServer, count)),
                PumpAsync(server, client, count => Interlocked.Add(ref toClient, count)));
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, Action<int> count)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var destination = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, stopping.Token)) > 0)
            {
                count(read);
                await destination.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
            }

            // Pass the half-close on, as the two ends would see it without the relay.
            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away or the relay is stopping; the other pump ends with it.
            to.Client.Close();
        }
    }
}
