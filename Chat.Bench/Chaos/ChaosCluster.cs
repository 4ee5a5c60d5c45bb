using Chat.Bench.Targets;

namespace Chat.Bench.Chaos;

/// <summary>
/// What a chaos run runs against and breaks: two Chat.Api nodes as OS processes on a redis-server
/// of the run's own, and the PostgreSQL it was given. A node killed or a Redis killed is started
/// again on its port, where its clients look for it.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    public const int NodeCount = 2;
    private const int StartAttempts = 5;

    private readonly ServerProcess?[] nodes = new ServerProcess?[NodeCount];
    private readonly Uri[] addresses = new Uri[NodeCount];
    private readonly string dll;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly string? logs;

    private ChaosCluster(RedisServer redis, IDatabaseOutage database, string dll, IReadOnlyDictionary<string, string> environment, string? logs)
    {
        Redis = redis;
        Database = database;
        this.dll = dll;
        this.environment = environment;
        this.logs = logs;
    }

    public RedisServer Redis { get; }

    public IDatabaseOutage Database { get; }

    public IReadOnlyList<Uri> Nodes => addresses;

    public static string NodeName(int node) => $"node-{(char)('a' + node)}";

    /// <summary>Starts the redis-server, then the two nodes one after the other (both would take the migration lock anyway).</summary>
    public static async Task<ChaosCluster> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var redis = await RedisServer.StartAsync(cancellationToken);
        IDatabaseOutage database = settings.Chaos.PostgresControl is { Length: > 0 } command
            ? new ClusterRestart(command)
            : new DatabaseLockout(settings.Postgres!);
        if (settings.Chaos.Logs is { } logs)
        {
            Directory.CreateDirectory(logs);
        }

        var environment = ChatServiceTarget.NodeEnvironment(settings, settings.MessageWriterMode ?? BenchRunner.BatchedWriter, redis.Configuration);
        // One line per entry, with the time, so the nodes' logs line up with the faults the run prints.
        environment.TryAdd("Logging__Console__FormatterName", "simple");
        environment.TryAdd("Logging__Console__FormatterOptions__SingleLine", "true");
        environment.TryAdd("Logging__Console__FormatterOptions__TimestampFormat", "HH:mm:ss.fff ");
        var cluster = new ChaosCluster(redis, database, ApiLocator.Find(settings.ApiDll), environment, settings.Chaos.Logs);
        try
        {
            for (var node = 0; node < NodeCount; node++)
            {
                await cluster.StartNodeAsync(node, cancellationToken);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a node, on the port it had if it ran before, and waits until it is ready. A port just
    /// given up can still be held for a moment, so a failed start is tried again.
    /// </summary>
    public async Task StartNodeAsync(int node, CancellationToken cancellationToken)
    {
        var log = logs is null ? null : Path.Combine(logs, $"{NodeName(node)}.log");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Address is null the first time: a free port is chosen and kept from then on.
                nodes[node] = await ServerProcess.StartAsync(dll, [], environment, "health/ready", cancellationToken, addresses[node], logPath: log);
                addresses[node] = nodes[node]!.Address;
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException && attempt < StartAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>Kills the node with SIGKILL: no shutdown code runs, its connections just drop.</summary>
    public async Task KillNodeAsync(int node)
    {
        if (nodes[node] is { } server)
        {
            await server.DisposeAsync();
            nodes[node] = null;
        }
    }

    public void PauseNode(int node) => nodes[node]?.Pause();

    /// <summary>Lets a paused node run again; false when it is no longer there to resume.</summary>
    public bool ResumeNode(int node)
    {
        if (nodes[node] is not { HasExited: false } server)
        {
            return false;
        }

        server.Resume();
        return true;
    }

    /// <summary>
    /// Starts again every node that exited without being told to (a fault's end must find the
    /// cluster whole), and says which, with the last lines it printed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RestartExitedNodesAsync(CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        for (var node = 0; node < NodeCount; node++)
        {
            if (nodes[node] is { HasExited: true } gone)
            {
                var lastLines = string.Join(" | ", gone.Output.Split(Environment.NewLine).TakeLast(3));
                notes.Add($"{NodeName(node)} had exited with {gone.ExitCode} ({lastLines}); started again");
                await KillNodeAsync(node);
                await StartNodeAsync(node, cancellationToken);
            }
        }

        return notes;
    }

    public async ValueTask DisposeAsync()
    {
        for (var node = 0; node < NodeCount; node++)
        {
            await KillNodeAsync(node);
        }

        await Redis.DisposeAsync();
    }
}
