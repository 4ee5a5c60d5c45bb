using HdrHistogram;

namespace Chat.Bench.Reporting;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

/// <summary>What the server processes used while the load ran.</summary>
public sealed record ServerUsage(
    double CpuSeconds,
    double CpuPercent,
    long RssBytesBeforeConnecting,
    long RssBytesConnected,
    long RssBytesAtEnd,
    long PeakRssBytes,
    double MemoryPerConnectionBytes);

/// <summary>The Redis several nodes share: its CPU seconds in the measured window and its memory at the end.</summary>
public sealed record RedisUsage(double CpuSeconds, long UsedMemoryBytes, long RssBytes);

/// <summary>
/// Where the rest of the machine's CPU went while the load was measured, beside the servers' own
/// (<see cref="ServerUsage.CpuSeconds"/>), in CPU seconds: their database (when it runs on this
/// machine) and the bench itself, which shares the cores; and how busy the whole machine was
/// (100 = every core).
/// </summary>
public sealed record CpuUse(double? DatabaseSeconds, double BenchSeconds, double MachineBusyPercent);

/// <summary>One step of the ramp scenario.</summary>
public sealed record RampStep(
    double RatePerRoom,
    double TargetPerSecond,
    double SentPerSecond,
    double DeliveredPerSecond,
    LatencySummary Latency,
    long Errors,
    bool WithinBound);

/// <summary>The outcome of one scenario against one target.</summary>
public sealed record ScenarioResult
{
    public required string Target { get; init; }
    public required string TargetDescription { get; init; }
    public required string Scenario { get; init; }
    public required string Protocol { get; init; }
    public required int Connections { get; init; }
    public required int Rooms { get; init; }
    public required int MembersPerRoom { get; init; }
    public required double RatePerRoom { get; init; }
    public required double ConnectSeconds { get; init; }
    public required double MeasuredSeconds { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Failed { get; init; }
    public required long Delivered { get; init; }
    public required long ExpectedDeliveries { get; init; }

    /// <summary>Members whose received count differs from what the rest of their room had acked.</summary>
    public required int MembersMissingMessages { get; init; }
    public required double SentPerSecond { get; init; }
    public required double AckedPerSecond { get; init; }
    public required double DeliveredPerSecond { get; init; }
    public required LatencySummary Latency { get; init; }
    public required LatencySummary AckLatency { get; init; }
    public required IReadOnlyDictionary<string, long> Errors { get; init; }
    public ServerUsage? Server { get; init; }
    public CpuUse? Cpu { get; init; }

    /// <summary>The backplane's Redis in the measured window, for targets of several nodes on one.</summary>
    public RedisUsage? Redis { get; init; }

    /// <summary>What the servers' runtimes allocated while the load was measured.</summary>
    public long? ServerAllocatedBytes { get; init; }

    /// <summary>
    /// Autovacuum's vacuums and analyzes that finished in the measured window, then those still
    /// running at its end; null without a database to ask.
    /// </summary>
    public IReadOnlyList<string>? DatabaseUpkeep { get; init; }
    public required long ClientRssBytes { get; init; }

    /// <summary>The stuck member each room had in the measured window (<c>--stuck</c>), or none.</summary>
    public string Stuck { get; init; } = "none";

    /// <summary>Connections the nodes cut off for not taking their data in the measured window; null where not counted.</summary>
    public long? CutOff { get; init; }
    public IReadOnlyList<RampStep>? Steps { get; init; }

    /// <summary>
    /// The step within the bound at the highest rate, chosen by rate rather than by order: once
    /// the ramp narrows, its steps no longer come in rising order.
    /// </summary>
    public RampStep? Knee { get; init; }

    /// <summary>What the members saw of the bots' streamed replies (the bots scenario).</summary>
    public BotReplyResult? Replies { get; init; }
}

/// <summary>
/// The bots scenario's replies as the members saw them, each member counted: a reply to a room of
/// ten is ten sightings. A delta's latency runs from its first word being made on the node (the
/// word's stamp) to a member receiving it, so it includes the wait for text to join a delta.
/// </summary>
public sealed record BotReplyResult(
    int WordsPerReply,
    double WordDelayMilliseconds,
    long ExpectedSightings,
    long Started,
    long Completed,
    long EndedOtherwise,
    long Deltas,
    double DeltasPerSecond,
    long IndexGaps,
    long UnstampedDeltas,
    LatencySummary DeltaLatency);

/// <summary>One number of ours beside the same number of the other run, and their ratio.</summary>
public sealed record Comparison(string Measure, string First, string Second, double FirstValue, double SecondValue, double Ratio);

/// <summary>The machine a run was measured on.</summary>
public sealed record MachineInfo(int Cores, long MemoryBytes, string Os, string Runtime)
{
    public static MachineInfo Current()
    {
        long memory = 0;
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null)
            {
                memory = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
            // Not Linux: the report says 0.
        }

        return new MachineInfo(Environment.ProcessorCount, memory, System.Runtime.InteropServices.RuntimeInformation.OSDescription, Environment.Version.ToString());
    }
}

/// <summary>Everything a bench run produced, as written to <c>--out</c>.</summary>
public sealed record BenchDocument(
    DateTime StartedAt,
    MachineInfo Machine,
    string Arguments,
    IReadOnlyList<ScenarioResult> Runs,
    IReadOnlyList<Comparison> Comparisons);
