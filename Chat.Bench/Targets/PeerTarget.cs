using Chat.Bench.Load;

namespace Chat.Bench.Targets;

/// <summary>
/// What the servers the chat service is compared with share: processes the bench started, no
/// accounts (a user is a fresh id on the node its index picks), no rooms to create (a room is a
/// fresh id its members join on the hub), no database, and no slow-consumer cut-offs.
/// </summary>
public abstract class PeerTarget(IReadOnlyList<ServerProcess> processes, string description) : IBenchTarget
{
    public abstract string Name { get; }

    public string Description { get; } = description;

    public abstract TargetWire Wire { get; }

    public IReadOnlyList<Uri> Nodes { get; } = [.. processes.Select(p => p.Address)];

    public Task<BenchIdentity> CreateUserAsync(int index, CancellationToken cancellationToken) =>
        Task.FromResult(new BenchIdentity(Guid.NewGuid(), null, Nodes[index % Nodes.Count]));

    public Task<Guid> CreateRoomAsync(int index, CancellationToken cancellationToken) => Task.FromResult(Guid.NewGuid());

    public Task AddMemberAsync(Guid roomId, BenchIdentity user, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ConfirmMembershipAsync(SimulatedUser user, Guid roomId, CancellationToken cancellationToken) =>
        MembershipConfirmation.ConfirmAsync(Name, user, roomId, cancellationToken);

    public ProcessSample? Sample() => ProcessSample.Sum(processes.Select(p => p.Sample()));

    public double? DatabaseCpuSeconds() => null;

    public Task<DatabaseUpkeep?> DatabaseUpkeepAsync(CancellationToken cancellationToken) => Task.FromResult<DatabaseUpkeep?>(null);

    public abstract Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken);

    // A peer as it comes cuts off no one.
    public Task<long?> CutOffConnectionsAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    public virtual async ValueTask DisposeAsync()
    {
        await ServerProcess.DisposeAllAsync(processes);
        GC.SuppressFinalize(this);
    }
}
