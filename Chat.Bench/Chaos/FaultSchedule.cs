namespace Chat.Bench.Chaos;

/// <summary>One fault of the schedule: the how-manyth, what, and which node (-1 for Redis and PostgreSQL).</summary>
public sealed record PlannedFault(int Number, FaultKind Kind, int Node)
{
    public string Target => Kind switch
    {
        FaultKind.NodeKill or FaultKind.NodePause => ChaosCluster.NodeName(Node),
        FaultKind.RedisRestart or FaultKind.RedisPause => "redis",
        _ => "postgres",
    };
}

/// <summary>
/// The order of a run's faults: every kind once per round, the kinds shuffled in each round by a
/// seeded generator, so that the same seed repeats the same run and no kind always follows the
/// same one. Node faults take the two nodes in turn.
/// </summary>
public static class FaultSchedule
{
    public static IReadOnlyList<PlannedFault> Plan(ChaosSettings settings)
    {
        var random = new Random(settings.Seed);
        var occurrences = new Dictionary<FaultKind, int>();
        var faults = new List<PlannedFault>();
        for (var round = 0; round < settings.FaultsPerKind; round++)
        {
            var kinds = settings.Kinds.ToArray();
            random.Shuffle(kinds);
            foreach (var kind in kinds)
            {
                var occurrence = occurrences.GetValueOrDefault(kind);
                occurrences[kind] = occurrence + 1;
                // Kills start with the first node and pauses with the second, so a short run hits both.
                var node = kind switch
                {
                    FaultKind.NodeKill => occurrence % ChaosCluster.NodeCount,
                    FaultKind.NodePause => (occurrence + 1) % ChaosCluster.NodeCount,
                    _ => -1,
                };
                faults.Add(new PlannedFault(faults.Count + 1, kind, node));
            }
        }

        return faults;
    }
}
