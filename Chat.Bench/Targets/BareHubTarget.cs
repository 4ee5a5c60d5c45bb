using Chat.Bench.Baseline;
using Chat.Bench.Load;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Targets;

/// <summary>
/// The baseline: bare SignalR hubs (<see cref="BareChatHub"/>), one process each, with no
/// authentication and no storage; two share the run's Redis through SignalR's own Redis
/// backplane, as two nodes of the chat service do. What it costs is what SignalR itself costs.
/// </summary>
public sealed class BareHubTarget : IBenchTarget
{
    private readonly IReadOnlyList<ServerProcess> processes;
    private readonly IReadOnlyList<HttpClient> http;

    private BareHubTarget(IReadOnlyList<ServerProcess> processes, string description)
    {
        this.processes = processes;
        Description = description;
        Nodes = processes.Select(p => p.Address).ToList();
        http = Nodes.Select(n => new HttpClient { BaseAddress = n }).ToList();
    }

    public string Name => "baseline";

    public string Description { get; }

    public TargetWire Wire => TargetWire.SignalR;

    public IReadOnlyList<Uri> Nodes { get; }

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

    public Task<BenchIdentity> CreateUserAsync(int index, CancellationToken cancellationToken) =>
        Task.FromResult(new BenchIdentity(Guid.NewGuid(), null, Nodes[index % Nodes.Count]));

    public Task<Guid> CreateRoomAsync(int index, CancellationToken cancellationToken) => Task.FromResult(Guid.NewGuid());

    public Task AddMemberAsync(Guid roomId, BenchIdentity user, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ConfirmMembershipAsync(SimulatedUser user, Guid roomId, CancellationToken cancellationToken) =>
        MembershipConfirmation.ConfirmAsync(Name, user, roomId, cancellationToken);

    public ProcessSample? Sample() => ProcessSample.Sum(processes.Select(p => p.Sample()));

    public double? DatabaseCpuSeconds() => null;

    public Task<DatabaseUpkeep?> DatabaseUpkeepAsync(CancellationToken cancellationToken) => Task.FromResult<DatabaseUpkeep?>(null);

    public Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) => AllocatedBytes.ReadAsync(http, cancellationToken);

    // The bare hub cuts off no one: it is SignalR as it comes.
    public Task<long?> CutOffConnectionsAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in http)
        {
            client.Dispose();
        }

        await ServerProcess.DisposeAllAsync(processes);
    }
}
