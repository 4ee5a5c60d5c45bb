using Chat.Bench.Targets;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A node of the chat service in a separate OS process (the built Chat.Api), so that a test can
/// kill it the way a crash or a pulled plug would: no shutdown code runs.
/// </summary>
public sealed class ChatNodeProcess : IAsyncDisposable
{
    private readonly ServerProcess server;

    private ChatNodeProcess(ServerProcess server) => this.server = server;

    /// <summary>The node's base address, such as http://127.0.0.1:41234/.</summary>
    public Uri Address => server.Address;

    /// <summary>What the node printed last, for failure messages.</summary>
    public string Output => server.Output;

    /// <summary>
    /// Starts Chat.Api on <paramref name="connectionString"/> and <paramref name="redis"/>, in the
    /// same cluster as the in-process <see cref="ChatNode"/>s on that database, and waits until
    /// it is ready. <paramref name="extra"/> holds settings in configuration form (<c>Cluster:HeartbeatSeconds</c>).
    /// <paramref name="address"/> starts it where a killed node was, so its clients find it again.
    /// <paramref name="readyPath"/> is what must answer 200 first: health/live for a node whose
    /// database is away on purpose.
    /// </summary>
    public static async Task<ChatNodeProcess> StartAsync(
        string connectionString,
        string redis,
        IDictionary<string, string?>? extra = null,
        TimeSpan? startupDeadline = null,
        Uri? address = null,
        string readyPath = "health/ready")
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Chat"] = connectionString,
            ["Redis__Configuration"] = redis,
            ["Redis__ChannelPrefix"] = ChatNode.ChannelPrefixFor(connectionString),
            ["Jwt__SigningKey"] = TestServers.SigningKey,
            ["ApiDocs__Enabled"] = "true",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        // Chat.Tests references Chat.Api, so the build copies the app (dll, deps, runtimeconfig,
        // appsettings) next to the tests.
        var app = Path.Combine(AppContext.BaseDirectory, "Chat.Api.dll");
        var server = await ServerProcess.StartAsync(
            app, [], environment, readyPath, CancellationToken.None, address, startupDeadline ?? TimeSpan.FromSeconds(60));
        return new ChatNodeProcess(server);
    }

    /// <summary>An HTTP client for this node over the network.</summary>
    public HttpClient Http(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Kills the node and everything it started, without any chance to clean up.</summary>
    public Task KillAsync() => server.KillAsync();

    /// <summary>
    /// Stops the node the way systemd or a container runtime does, with SIGTERM, and waits until
    /// it has exited; returns its exit code (0 for a clean stop).
    /// </summary>
    public async Task<int> StopAsync(TimeSpan? deadline = null)
    {
        if (!server.HasExited)
        {
            PosixSignals.Terminate(server.Pid);
        }

        using var wait = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        try
        {
            return await server.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Chat.Api did not exit after SIGTERM:{Environment.NewLine}{Output}");
        }
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
