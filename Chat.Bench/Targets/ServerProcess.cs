using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Chat.Bench.Targets;

/// <summary>
/// A server started as a separate OS process (a Chat.Api node or the bare hub): the bench reads
/// its CPU and memory from /proc, and the tests kill or stop it the way a crash or a service
/// manager would.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 100;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly Timer? flushing;
    private StreamWriter? log;

    private ServerProcess(Process process, Uri address, string? logPath)
    {
        this.process = process;
        Address = address;
        if (logPath is not null)
        {
            // Buffered, and flushed every second rather than every line: a node in trouble can
            // print megabytes a second, and a slow reader here would slow the node down (its
            // console logger waits once its queue is full).
            log = new StreamWriter(logPath, append: true, System.Text.Encoding.UTF8, 1 << 16);
            flushing = new Timer(_ => Flush(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    public Uri Address { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The exit code once <see cref="HasExited"/>: 137 for SIGKILL, 134 for an abort.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>What the server printed last, for error messages.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>
    /// Starts <c>dotnet DLL ARGS --urls ADDRESS</c> with <paramref name="environment"/> and waits until
    /// <paramref name="readyPath"/> answers 200. The address is a free loopback port unless
    /// <paramref name="address"/> names one (a restarted server where its clients look for it).
    /// Everything the server prints is also appended to <paramref name="logPath"/> when given.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string dll,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment,
        string readyPath,
        CancellationToken cancellationToken,
        Uri? address = null,
        TimeSpan? readyTimeout = null,
        string? logPath = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} does not exist; build the solution first", dll);
        }

        address ??= new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
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
        var server = new ServerProcess(process, address, logPath);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        ExitCleanup.Remember(server, server.Kill);
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

    /// <summary>Freezes the server with SIGSTOP, as a hung host or a long stop-the-world pause would.</summary>
    public void Pause() => PosixSignals.Stop(process.Id);

    /// <summary>Lets a paused server run again with SIGCONT.</summary>
    public void Resume() => PosixSignals.Continue(process.Id);

    /// <summary>Waits until the server has exited by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        ExitCleanup.Forget(this);
        process.Dispose();
        if (flushing is not null)
        {
            await flushing.DisposeAsync();
        }

        lock (output)
        {
            log?.Dispose();
            log = null;
        }
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

        // The output arrives on two threads (stdout and stderr), and may still arrive while the
        // server is disposed: one lock for both.
        lock (output)
        {
            log?.WriteLine(line);
        }
    }

    private void Flush()
    {
        lock (output)
        {
            log?.Flush();
        }
    }
}
