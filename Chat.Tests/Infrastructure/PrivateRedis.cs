using Chat.Bench.Targets;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A redis-server of one test's own, on a free loopback port, that the test may stop and start
/// again on the same port: the shared test Redis must never go away under other test classes.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private readonly RedisServer server;

    private PrivateRedis(RedisServer server) => this.server = server;

    public int Port => server.Port;

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => server.Configuration;

    public static async Task<PrivateRedis> StartAsync() => new(await RedisServer.StartAsync());

    /// <summary>Starts the server (again) on its port, empty, and waits until it answers.</summary>
    public Task StartAgainAsync() => server.StartAgainAsync();

    /// <summary>Kills the server at once, as a crash would.</summary>
    public Task StopAsync() => server.KillAsync();

    /// <summary>Freezes the server with SIGSTOP: connections stay open, nothing is answered, as a hung host.</summary>
    public Task PauseAsync()
    {
        server.Pause();
        return Task.CompletedTask;
    }

    /// <summary>Lets a paused server run again with SIGCONT.</summary>
    public Task ResumeAsync()
    {
        server.Resume();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
