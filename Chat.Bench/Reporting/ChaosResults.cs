using Chat.Bench.Chaos;

namespace Chat.Bench.Reporting;

/// <summary>One fault of a chaos run and how the cluster came back from it (seconds; null: not before the next fault).</summary>
public sealed record FaultResult(
    int Number,
    string Kind,
    string Target,
    double StartSecond,
    double DurationSeconds,
    double? AcksBackSeconds,
    double? ConvergedSeconds,
    bool NeverConverged,
    IReadOnlyList<string> Notes);

/// <summary>The faults of one kind together: medians and maxima of the recoveries that happened, and how many did not.</summary>
public sealed record FaultKindSummary(
    string Kind,
    int Count,
    double? AcksBackMedian,
    double? AcksBackMax,
    int AcksNotBack,
    double? ConvergedMedian,
    double? ConvergedMax,
    int NotConverged,
    int OverBound)
{
    public static FaultKindSummary Of(string kind, IReadOnlyList<FaultResult> faults, double boundSeconds)
    {
        var acks = faults.Where(f => f.AcksBackSeconds is not null).Select(f => f.AcksBackSeconds!.Value).ToList();
        var converged = faults.Where(f => f.ConvergedSeconds is not null).Select(f => f.ConvergedSeconds!.Value).ToList();
        return new FaultKindSummary(
            kind,
            faults.Count,
            Median(acks),
            acks.Count > 0 ? acks.Max() : null,
            faults.Count - acks.Count,
            Median(converged),
            converged.Count > 0 ? converged.Max() : null,
            faults.Count - converged.Count,
            faults.Count(f => f.ConvergedSeconds is not { } s || s > boundSeconds));
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>Everything a chaos run produced, as printed and as written to <c>--out</c>.</summary>
public sealed record ChaosReport
{
    public required DateTime StartedAt { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string Arguments { get; init; }
    public required int Rooms { get; init; }
    public required int MembersPerRoom { get; init; }
    public required double SendsPerSecond { get; init; }
    public required int Seed { get; init; }

    /// <summary>What the PostgreSQL fault did: a real restart, or the database closed to the nodes.</summary>
    public required string PostgresFault { get; init; }
    public required double Seconds { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Failed { get; init; }

    /// <summary>Sends still under way when the quiet period ran out; they count neither as acked nor as failed.</summary>
    public required long Unsettled { get; init; }
    public required IReadOnlyDictionary<string, long> FailuresByCode { get; init; }
    public required long Received { get; init; }
    public required ConsistencyCounts Counts { get; init; }

    /// <summary>Members whose final Sync failed (their misses count as not converged all the same).</summary>
    public required int MembersWithoutFinalSync { get; init; }
    public required double ConvergenceBoundSeconds { get; init; }
    public required IReadOnlyList<FaultResult> Faults { get; init; }
    public required IReadOnlyList<FaultKindSummary> Kinds { get; init; }

    /// <summary>What a second look at the members that missed messages found.</summary>
    public required IReadOnlyList<string> Diagnosis { get; init; }

    /// <summary>Nodes found gone between faults (and started again), which no fault explains.</summary>
    public required IReadOnlyList<string> Incidents { get; init; }

    /// <summary>Sends, acks per node and receipts, second by second.</summary>
    public required IReadOnlyList<TimelineSecond> Timeline { get; init; }

    public bool Passed => Counts.Passed;
}
