using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Chat.Bench.Targets;

/// <summary>
/// A server started as a separate OS process (a Chat.Api node or the bare hub): the bench reads
/// its CPU and memory from /proc, and the tests kill or stop it the way a crash or a service
/// manager would.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 100;

    // Servers still running, killed when the bench exits however it exits, so no node outlives
    // the database it was started on.
    private static readonly ConcurrentDictionary<ServerProcess, bool> Running = new();

    // Since .NET 10 the runtime no longer turns SIGTERM into ProcessExit: without a handler of
    // its own a terminated bench left its nodes running. The signal still ends the bench after
    // the handler (it is not cancelled).
    private static readonly PosixSignalRegistration OnTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll());

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    private static void KillAll()
    {
        foreach (var server in Running.Keys)
        {
            server.Kill();
        }
    }

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>What the server printed last, for error messages.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>
    /// Starts <c>dotnet DLL ARGS --urls ADDRESS</c> with <paramref name="environment"/> and waits until
    /// <paramref name="readyPath"/> answers 200. The address is a free loopback port unless
    /// <paramref name="address"/> names one (a restarted server where its clients look for it).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string dll,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment,
        string readyPath,
        CancellationToken cancellationToken,
        Uri? address = null,
        TimeSpan? readyTimeout = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} does not exist; build the solution first", dll);
        }

        address ??= new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        Running.TryAdd(server, true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(readyPath, readyTimeout ?? TimeSpan.FromSeconds(90), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public ProcessSample? Sample() => ProcessSample.Read(process.Id);

    /// <summary>Kills the server and everything it started, without any chance to clean up.</summary>
    public async Task KillAsync()
    {
        Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>Waits until the server has exited by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Running.TryRemove(this, out _);
        process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitUntilReadyAsync(string readyPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await http.GetAsync(readyPath, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"the server at {Address} was not ready after {timeout.TotalSeconds:N0} s:{Environment.NewLine}{Output}");
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

    // The port is free when asked; another process could take it before the server binds, which
    // on a loopback address is rare enough, and then the start fails loudly.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
