using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A node of the chat service in a separate OS process (the built Chat.Api), so that a test can
/// kill it the way a crash or a pulled plug would: no shutdown code runs.
/// </summary>
public sealed class ChatNodeProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 200;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ChatNodeProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    /// <summary>The node's base address, such as http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts Chat.Api on <paramref name="connectionString"/> and <paramref name="redis"/>, in the
    /// same cluster as the in-process <see cref="ChatNode"/>s on that database, and waits until
    /// it is ready. <paramref name="extra"/> holds settings in configuration form (<c>Cluster:HeartbeatSeconds</c>).
    /// <paramref name="address"/> starts it where a killed node was, so its clients find it again.
    /// </summary>
    public static async Task<ChatNodeProcess> StartAsync(
        string connectionString, string redis, IDictionary<string, string?>? extra = null, TimeSpan? startupDeadline = null, Uri? address = null)
    {
        // Chat.Tests references Chat.Api, so the build copies the app (dll, deps, runtimeconfig,
        // appsettings) next to the tests.
        var app = Path.Combine(AppContext.BaseDirectory, "Chat.Api.dll");
        if (!File.Exists(app))
        {
            throw new FileNotFoundException("Chat.Api.dll is not next to the test assembly; build the solution first", app);
        }

        address ??= new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Chat"] = connectionString;
        start.Environment["Redis__Configuration"] = redis;
        start.Environment["Redis__ChannelPrefix"] = ChatNode.ChannelPrefixFor(connectionString);
        start.Environment["Jwt__SigningKey"] = TestServers.SigningKey;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var node = new ChatNodeProcess(process, address);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await node.WaitUntilReadyAsync(startupDeadline ?? TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
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
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>
    /// Stops the node the way systemd or a container runtime does, with SIGTERM, and waits until
    /// it has exited; returns its exit code (0 for a clean stop).
    /// </summary>
    public async Task<int> StopAsync(TimeSpan? deadline = null)
    {
        if (!process.HasExited)
        {
            UnixSignal.Terminate(process.Id);
            using var wait = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Chat.Api did not exit after SIGTERM:{Environment.NewLine}{Output}");
            }
        }

        return process.ExitCode;
    }

    /// <summary>What the node printed last, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan deadline)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"Chat.Api exited with {process.ExitCode}:{Environment.NewLine}{Output}");
                    }

                    try
                    {
                        using var ready = await http.GetAsync("health/ready");
                        return ready.StatusCode == HttpStatusCode.OK;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        return false;
                    }
                },
                deadline,
                "Chat.Api answers /health/ready");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}{Environment.NewLine}{Output}", e);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > KeptOutputLines)
        {
            output.TryDequeue(out _);
        }
    }

    // The port is free when asked; another process could take it before the node binds, which
    // on a loopback address of a test machine is rare enough, and then the start fails loudly.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
