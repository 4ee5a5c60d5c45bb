namespace Chat.Bench.Targets;

/// <summary>
/// The peer a team would pick instead of SignalR: a stock Socket.IO 4.8 server
/// (<c>Chat.Bench/SocketIo/server.mjs</c>) with the bare hub's semantics, in the deployment
/// Socket.IO recommends: one Node.js process, or one per node asked for, each on its own port,
/// sharing rooms through the Redis adapter. Users are spread over the processes as over the
/// chat service's nodes.
/// </summary>
public sealed class SocketIoTarget(IReadOnlyList<ServerProcess> processes, string description) : PeerTarget(processes, description)
{
    private static readonly string ServerScript = Path.Combine("Chat.Bench", "SocketIo", "server.mjs");

    public override string Name => "socketio";

    public override TargetWire Wire => TargetWire.SocketIo;

    /// <summary>Starts <c>--nodes</c> server processes, on the run's Redis when there are several.</summary>
    public static async Task<SocketIoTarget> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var script = FindServer();
        var arguments = new List<string> { script };
        if (settings.Nodes > 1)
        {
            // Keys of this run's own, as the chat service's nodes get channels of their own.
            var redis = settings.Redis!.Split(',')[0];
            arguments.AddRange(["--redis", redis, "--redis-key", $"bench-{Guid.NewGuid():N}"[..16]]);
        }

        var environment = new Dictionary<string, string> { ["NODE_ENV"] = "production" };
        var started = await ServerProcess.StartSeveralAsync(
            settings.Nodes, () => ServerProcess.StartProgramAsync("node", arguments, Path.GetDirectoryName(script)!, environment, "ready", cancellationToken));
        var description = settings.Nodes > 1
            ? $"Socket.IO 4.8, {settings.Nodes} Node.js processes on the Redis adapter, MessagePack parser"
            : "Socket.IO 4.8, one Node.js process, MessagePack parser";
        return new SocketIoTarget(started, description);
    }

    /// <summary>The server script, once its packages are installed (scripts/bench.sh runs npm ci for it).</summary>
    public static string FindServer()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ServerScript);
                if (File.Exists(candidate))
                {
                    var modules = Path.Combine(Path.GetDirectoryName(candidate)!, "node_modules");
                    return Directory.Exists(modules)
                        ? candidate
                        : throw new FileNotFoundException($"{modules} is missing: run 'npm ci' in {Path.GetDirectoryName(candidate)} (scripts/bench.sh does)");
                }
            }
        }

        throw new FileNotFoundException($"{ServerScript} not found: run the bench from the repository");
    }

    // Node.js does not count what it allocates the way .NET does.
    public override Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);
}
