using Chat.Bench.Load;

namespace Chat.Bench.Targets;

/// <summary>A server the scenarios run against: the chat service, the bare baseline hub or the Socket.IO peer.</summary>
public interface IBenchTarget : IAsyncDisposable
{
    /// <summary>"ours", "baseline" or "socketio", as the report names it.</summary>
    string Name { get; }

    /// <summary>A short description for the report (nodes, writer mode).</summary>
    string Description { get; }

    /// <summary>The protocol its clients speak.</summary>
    TargetWire Wire { get; }

    IReadOnlyList<Uri> Nodes { get; }

    /// <summary>Makes one simulated user; users are spread over the nodes by <paramref name="index"/>.</summary>
    Task<BenchIdentity> CreateUserAsync(int index, CancellationToken cancellationToken);

    /// <summary>Makes a room on the node of the user at <paramref name="index"/>; it has no simulated member yet.</summary>
    Task<Guid> CreateRoomAsync(int index, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="user"/> a member before it connects (a no-op where joining happens on the hub).</summary>
    Task AddMemberAsync(Guid roomId, BenchIdentity user, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once the connected <paramref name="user"/> is in the room's group, so that no
    /// message sent after it can miss the user.
    /// </summary>
    Task ConfirmMembershipAsync(SimulatedUser user, Guid roomId, CancellationToken cancellationToken);

    /// <summary>CPU and memory of the server processes together; null when they cannot be read.</summary>
    ProcessSample? Sample();

    /// <summary>Bytes the servers' runtimes have allocated so far; null when a server does not tell.</summary>
    Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken);

    /// <summary>Connections the servers have cut off for not taking their data so far; null where a server does not count them.</summary>
    Task<long?> CutOffConnectionsAsync(CancellationToken cancellationToken);

    /// <summary>CPU seconds of the target's database server so far; null without one on this machine.</summary>
    double? DatabaseCpuSeconds();

    /// <summary>Autovacuum's work on the target's database so far; null without a database.</summary>
    Task<DatabaseUpkeep?> DatabaseUpkeepAsync(CancellationToken cancellationToken);
}
