namespace Chat.Bench.Chaos;

/// <summary>The faults a chaos run injects.</summary>
public enum FaultKind
{
    /// <summary><c>kill -9</c> a node, then start it again on the same port.</summary>
    NodeKill,

    /// <summary>Kill redis-server, then start it again (empty) on the same port.</summary>
    RedisRestart,

    /// <summary>SIGSTOP redis-server, then SIGCONT: a hang, not a crash.</summary>
    RedisPause,

    /// <summary>Stop PostgreSQL at once and start it again (or lock the nodes out of the database meanwhile).</summary>
    PostgresRestart,

    /// <summary>SIGSTOP a node for longer than the clients' timeout, then SIGCONT.</summary>
    NodePause,
}

/// <summary>The names of <see cref="FaultKind"/> on the command line and in the report.</summary>
public static class FaultKinds
{
    public static readonly IReadOnlyList<FaultKind> All = Enum.GetValues<FaultKind>();

    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.NodeKill => "node-kill",
        FaultKind.RedisRestart => "redis-restart",
        FaultKind.RedisPause => "redis-pause",
        FaultKind.PostgresRestart => "postgres-restart",
        FaultKind.NodePause => "node-pause",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Reads a comma-separated list such as <c>node-kill,redis-pause</c>.</summary>
    public static IReadOnlyList<FaultKind> ParseList(string value)
    {
        var kinds = new List<FaultKind>();
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kind = All.Where(k => Name(k) == name).Select(k => (FaultKind?)k).FirstOrDefault()
                ?? throw new ArgumentException($"unknown fault '{name}': the faults are {string.Join(", ", All.Select(Name))}");
            if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return kinds.Count > 0 ? kinds : throw new ArgumentException("--fault-kinds needs at least one fault");
    }
}
