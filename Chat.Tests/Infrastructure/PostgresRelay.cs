using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A TCP relay on a free loopback port in front of the test PostgreSQL that can break one
/// connection at the worst moment for a writer: right after the server has committed a
/// transaction, before the client hears so. The commit stands; the client sees its connection
/// reset and cannot tell whether it went through.
/// </summary>
/// <remarks>
/// It watches the server's answers for the CommandComplete message of a COMMIT ('C', length 11,
/// "COMMIT\0"), which needs the connection unencrypted: <see cref="ConnectionOptions"/> turns
/// SSL off.
/// </remarks>
public sealed class PostgresRelay : IAsyncDisposable
{
    private static readonly byte[] CommitComplete = [(byte)'C', 0, 0, 0, 11, .. "COMMIT\0"u8];

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly string host;
    private readonly int port;
    private readonly Task accepting;
    private readonly List<Task> pumps = [];
    private int armed;
    private int cuts;

    /// <summary>A relay to the server of <see cref="TestServers.Postgres"/>.</summary>
    public PostgresRelay()
    {
        var server = new NpgsqlConnectionStringBuilder(TestServers.Postgres);
        host = server.Host!;
        port = server.Port;
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>What to add to a connection string of the test server to go through the relay instead.</summary>
    public string ConnectionOptions => $"Host=127.0.0.1;Port={((IPEndPoint)listener.LocalEndpoint).Port};SSL Mode=Disable";

    /// <summary>How many connections the relay has broken.</summary>
    public int Cuts => Volatile.Read(ref cuts);

    /// <summary>Breaks the connection on which the next COMMIT completes, instead of passing its answer on.</summary>
    public void CutAfterNextCommit() => Volatile.Write(ref armed, 1);

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
                await server.ConnectAsync(host, port, stopping.Token);
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
            await Task.WhenAll(PumpAsync(client, server, watch: false), PumpAsync(server, client, watch: true));
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool watch)
    {
        var buffer = new byte[64 * 1024];
        // The end of the previous read, so a message split between two reads is still seen.
        var tail = Array.Empty<byte>();
        try
        {
            var source = from.GetStream();
            var destination = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, stopping.Token)) > 0)
            {
                if (watch)
                {
                    byte[] seen = [.. tail, .. buffer.AsSpan(0, read)];
                    if (Volatile.Read(ref armed) == 1 && seen.AsSpan().IndexOf(CommitComplete) >= 0
                        && Interlocked.Exchange(ref armed, 0) == 1)
                    {
                        Interlocked.Increment(ref cuts);
                        // Reset both ends: the server keeps its commit, the client hears nothing of it.
                        to.Client.Close(0);
                        from.Client.Close(0);
                        return;
                    }

                    tail = seen[Math.Max(0, seen.Length - CommitComplete.Length)..];
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
            }

            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away or the relay is stopping; the other pump ends with it.
            to.Client.Close();
        }
    }
}
