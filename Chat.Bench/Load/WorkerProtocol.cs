using System.Text.Json;
using Chat.Bench.Targets;
using HdrHistogram;

namespace Chat.Bench.Load;

/// <summary>
/// What a load worker is given: its users, room by room (the members of its room r are
/// <c>Users[r * MembersPerRoom]</c> onwards), and how to reach them.
/// </summary>
public sealed record WorkerSpec(
    string TargetName,
    TargetWire Wire,
    bool Json,
    int SourceAddresses,
    int MaxInFlight,
    int MessageSize,
    int MembersPerRoom,
    IReadOnlyList<BenchIdentity> Users,
    IReadOnlyList<Guid> Rooms);

/// <summary>What a load worker has counted so far, with its latency histograms as (microseconds, count) pairs.</summary>
public sealed record WorkerReport(
    long Sent,
    long Acked,
    long Failed,
    long Delivered,
    long ExpectedDeliveries,
    long InFlight,
    int Connected,
    int MembersMissingMessages,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyList<long[]> Delivery,
    IReadOnlyList<long[]> Ack)
{
    /// <summary>A histogram's recorded values, the way a report carries them.</summary>
    public static IReadOnlyList<long[]> Values(HistogramBase histogram) =>
        [.. histogram.RecordedValues().Select(v => new[] { v.ValueIteratedTo, v.CountAtValueIteratedTo })];

    /// <summary>Records a report's values into <paramref name="histogram"/>.</summary>
    public static void AddTo(HistogramBase histogram, IReadOnlyList<long[]> values)
    {
        foreach (var pair in values)
        {
            histogram.RecordValueWithCount(Math.Clamp(pair[0], 1, LoadMetrics.HighestMicroseconds), pair[1]);
        }
    }
}

/// <summary>The commands a coordinator sends a load worker, one per line; each is answered by one JSON line.</summary>
public static class WorkerCommands
{
    /// <summary>How specs and reports are written: one line each.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>connect RATE</c>: connect every user at RATE per second and confirm its room; answers a report.</summary>
    public const string Connect = "connect";

    /// <summary><c>send RATE SECONDS</c>: RATE messages per second in each of the worker's rooms for SECONDS.</summary>
    public const string Send = "send";

    /// <summary><c>drain SECONDS</c>: wait up to SECONDS for acks and owed deliveries.</summary>
    public const string Drain = "drain";

    /// <summary><c>reset</c>: forget what was counted (after a warm-up).</summary>
    public const string Reset = "reset";

    /// <summary><c>report</c>: what was counted so far.</summary>
    public const string Report = "report";

    /// <summary><c>quit</c>: close every connection and exit.</summary>
    public const string Quit = "quit";
}
