namespace Chat.Bench.Chaos;

/// <summary>
/// What the chaos scenario is told beyond the load (rooms, members, rate): which faults, how
/// many, how long each lasts and how long the cluster is left alone between them.
/// </summary>
public sealed record ChaosSettings
{
    /// <summary>Rooms and members of a chaos run unless <c>--rooms</c> and <c>--members</c> say otherwise: 1,000 users, 1,000 sends/s at the default rate of 5/s per room.</summary>
    public const int DefaultRooms = 200;
    public const int DefaultMembers = 5;

    /// <summary>Unmeasured calm before the first fault unless <c>--warmup</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(10);

    /// <summary>Faults of each kind; the run goes through the kinds in a shuffled order that many times.</summary>
    public int FaultsPerKind { get; init; } = 1;

    public IReadOnlyList<FaultKind> Kinds { get; init; } = FaultKinds.All;

    /// <summary>Calm between one fault's end and the next fault, in which recovery is measured.</summary>
    public TimeSpan Gap { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a killed node stays dead before it is started again.</summary>
    public TimeSpan NodeDown { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node stays frozen: longer than the clients' 30 s server timeout, so they give it up and reconnect.</summary>
    public TimeSpan NodePause { get; init; } = TimeSpan.FromSeconds(40);

    public TimeSpan RedisDown { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RedisPause { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PostgresDown { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A command that stops (<c>CMD stop</c>) and starts (<c>CMD start</c>) the PostgreSQL cluster;
    /// without one, the PostgreSQL fault locks the nodes out of their database instead.
    /// </summary>
    public string? PostgresControl { get; init; }

    /// <summary>Orders the faults: the same seed gives the same schedule.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Folder for the nodes' output (node-a.log, node-b.log); none kept without it.</summary>
    public string? Logs { get; init; }

    /// <summary>The goal for convergence after each fault; faults over it are listed in the report.</summary>
    public TimeSpan ConvergenceBound { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan Duration(FaultKind kind) => kind switch
    {
        FaultKind.NodeKill => NodeDown,
        FaultKind.NodePause => NodePause,
        FaultKind.RedisRestart => RedisDown,
        FaultKind.RedisPause => RedisPause,
        FaultKind.PostgresRestart => PostgresDown,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
