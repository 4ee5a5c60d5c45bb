using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Chat.Bench.Targets;

/// <summary>
/// A server started as a separate OS process (a Chat.Api node, the bare hub, a Socket.IO peer): the bench reads
/// its CPU and memory from /proc, and the tests kill or stop it the way a crash or a service
/// manager would.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 100;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly string? logPath;

    private ServerProcess(Process process, Uri address, string? logPath)
    {
        this.process = process;
        Address = address;
        this.logPath = logPath;
    }

    public Uri Address { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The exit code once <see cref="HasExited"/>: 137 for SIGKILL, 134 for an abort.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>What the server printed last, for error messages.</summary>
    public string Output => logPath is null ? string.Join(Environment.NewLine, output) : LogTail(logPath);

    /// <summary>
    /// Starts <c>dotnet DLL ARGS --urls ADDRESS</c> with <paramref name="environment"/> and waits until
    /// <paramref name="readyPath"/> answers 200. The address is a free loopback port unless
    /// <paramref name="address"/> names one (a restarted server where its clients look for it).
    /// With <paramref name="logPath"/>, what the server prints goes straight to that file instead
    /// of through the bench: a node in trouble can print megabytes a second, and its console
    /// logger waits once its queue is full, so a bench busy with its clients would slow the node
    /// down by reading slowly.
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

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return await StartProgramAsync(
            dotnet, [dll, .. args], Path.GetDirectoryName(dll)!, environment, readyPath, cancellationToken, address, readyTimeout, logPath);
    }

    /// <summary>
    /// Starts <c>PROGRAM ARGS --urls ADDRESS</c> in <paramref name="workingDirectory"/> (a server
    /// that is not .NET, such as the Socket.IO peer) the way <see cref="StartAsync"/> does.
    /// </summary>
    public static async Task<ServerProcess> StartProgramAsync(
        string program,
        IEnumerable<string> args,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        string readyPath,
        CancellationToken cancellationToken,
        Uri? address = null,
        TimeSpan? readyTimeout = null,
        string? logPath = null)
    {
        address ??= new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var start = new ProcessStartInfo(logPath is null ? program : "/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = logPath is null,
            RedirectStandardError = logPath is null,
        };
        if (logPath is not null)
        {
            // exec: the shell becomes the server, so the process id is the server's own.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$CHAT_SERVER_LOG\" 2>&1");
            start.ArgumentList.Add(program);
            start.Environment["CHAT_SERVER_LOG"] = logPath;
        }

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
        if (logPath is null)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

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

    /// <summary>
    /// Starts <paramref name="count"/> servers one after another (nodes of one cluster would take
    /// the migration lock at once anyway); if one fails, those already started are stopped.
    /// </summary>
    public static async Task<IReadOnlyList<ServerProcess>> StartSeveralAsync(int count, Func<Task<ServerProcess>> start)
    {
        var started = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                started.Add(await start());
            }

            return started;
        }
        catch
        {
            await DisposeAllAsync(started);
            throw;
        }
    }

    public static async Task DisposeAllAsync(IEnumerable<ServerProcess> servers)
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
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

    /// <summary>The last lines of a log file, read from its end: the file may hold gigabytes.</summary>
    private static string LogTail(string path)
    {
        const int TailBytes = 16 * 1024;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Seek(Math.Max(0, file.Length - TailBytes), SeekOrigin.Begin);
            using var reader = new StreamReader(file);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join(Environment.NewLine, lines.TakeLast(KeptOutputLines));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
