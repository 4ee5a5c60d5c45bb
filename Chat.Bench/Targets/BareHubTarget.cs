using Chat.Bench.Baseline;

namespace Chat.Bench.Targets;

/// <summary>
/// The baseline: bare SignalR hubs (<see cref="BareChatHub"/>), one process each, with no
/// authentication and no storage; two share the run's Redis through SignalR's own Redis
/// backplane, as two nodes of the chat service do. What it costs is what SignalR itself costs.
/// </summary>
public sealed class BareHubTarget : PeerTarget
{
    private readonly IReadOnlyList<HttpClient> http;

    private BareHubTarget(IReadOnlyList<ServerProcess> processes, string description)
        : base(processes, description) =>
        http = [.. Nodes.Select(n => new HttpClient { BaseAddress = n })];

    public override string Name => "baseline";

    public override TargetWire Wire => TargetWire.SignalR;

    /// <summary>Starts this very assembly with the <c>baseline-hub</c> command, once per node asked for.</summary>
    public static async Task<BareHubTarget> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var dll = typeof(BareHubTarget).Assembly.Location;
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        if (settings.Nodes > 1)
        {
            environment[BaselineHost.RedisVariable] = settings.Redis!;
            environment[BaselineHost.ChannelPrefixVariable] = $"bench-{Guid.NewGuid():N}"[..16];
        }

        var started = await ServerProcess.StartSeveralAsync(
            settings.Nodes, () => ServerProcess.StartAsync(dll, [BaselineHost.Command], environment, BaselineHost.ReadyPath, cancellationToken));
        var description = settings.Nodes > 1
            ? $"{settings.Nodes} bare SignalR hubs on the Redis backplane: groups only, no auth, no storage"
            : "bare SignalR hub: groups only, no auth, no storage";
        return new BareHubTarget(started, description);
    }

    public override Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) => AllocatedBytes.ReadAsync(http, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in http)
        {
            client.Dispose();
        }

        await base.DisposeAsync();
    }
}
