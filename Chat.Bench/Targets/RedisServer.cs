using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chat.Bench.Targets;

/// <summary>
/// A redis-server of the bench's (or a test's) own, on a free loopback port, that may be killed,
/// started again on the same port, and frozen: a Redis shared with anything else must never go
/// away under it. Nothing is persisted, so a restarted server starts empty, as after a crash of
/// a cache without persistence.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);

    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var redis = new RedisServer(LoopbackPorts.Free());
        await redis.StartAgainAsync(cancellationToken);
        return redis;
    }

    /// <summary>Starts the server (again) on its port, empty, and waits until it answers PING.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var started = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        process = started;
        ExitCleanup.Remember(this, Kill);
        started.OutputDataReceived += (_, _) => { };
        started.ErrorDataReceived += (_, _) => { };
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (!await PingAsync(cancellationToken))
        {
            if (started.HasExited || clock.Elapsed > StartDeadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING (exited: {started.HasExited})");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Kills the server at once, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (process is { } running)
        {
            Kill();
            await running.WaitForExitAsync();
            running.Dispose();
            process = null;
        }
    }

    /// <summary>Freezes the server with SIGSTOP: connections stay open and nothing is answered, as on a hung host.</summary>
    public void Pause()
    {
        if (process is { HasExited: false } running)
        {
            PosixSignals.Stop(running.Id);
        }
    }

    /// <summary>Lets a paused server run again with SIGCONT.</summary>
    public void Resume()
    {
        if (process is { HasExited: false } running)
        {
            PosixSignals.Continue(running.Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        ExitCleanup.Forget(this);
    }

    private void Kill()
    {
        try
        {
            if (process is { HasExited: false } running)
            {
                // SIGKILL ends a stopped process too: no SIGCONT needed first.
                running.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}
