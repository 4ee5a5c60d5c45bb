using Chat.Bench.Baseline;
using Chat.Bench.Load;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Targets;

/// <summary>
/// The baseline: a bare SignalR hub (<see cref="BareChatHub"/>) in a process of its own, with no
/// authentication and no storage. What it costs is what SignalR itself costs.
/// </summary>
public sealed class BareHubTarget(ServerProcess process) : IBenchTarget
{
    private readonly HttpClient http = new() { BaseAddress = process.Address };

    public string Name => "baseline";

    public string Description => "bare SignalR hub: groups only, no auth, no storage";

    public IReadOnlyList<Uri> Nodes { get; } = [process.Address];

    /// <summary>Starts this very assembly with the <c>baseline-hub</c> command.</summary>
    public static async Task<BareHubTarget> StartAsync(CancellationToken cancellationToken)
    {
        var dll = typeof(BareHubTarget).Assembly.Location;
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        var process = await ServerProcess.StartAsync(dll, [BaselineHost.Command], environment, BaselineHost.ReadyPath, cancellationToken);
        return new BareHubTarget(process);
    }

    public Task<BenchIdentity> CreateUserAsync(int index, CancellationToken cancellationToken) =>
        Task.FromResult(new BenchIdentity(Guid.NewGuid(), null, process.Address));

    public Task<Guid> CreateRoomAsync(int index, CancellationToken cancellationToken) => Task.FromResult(Guid.NewGuid());

    public Task AddMemberAsync(Guid roomId, BenchIdentity user, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ConfirmMembershipAsync(SimulatedUser user, Guid roomId, CancellationToken cancellationToken) =>
        user.Connection.InvokeAsync(nameof(IChatHub.JoinRoom), roomId.ToString(), cancellationToken);

    public ProcessSample? Sample() => process.Sample();

    public double? DatabaseCpuSeconds() => null;

    public Task<DatabaseUpkeep?> DatabaseUpkeepAsync(CancellationToken cancellationToken) => Task.FromResult<DatabaseUpkeep?>(null);

    public Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) => AllocatedBytes.ReadAsync([http], cancellationToken);

    // The bare hub cuts off no one: it is SignalR as it comes.
    public Task<long?> CutOffConnectionsAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return process.DisposeAsync();
    }
}
