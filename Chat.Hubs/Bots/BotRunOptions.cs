using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Bots;

/// <summary>How much bot work a node takes on (<c>BotRuns__…</c>).</summary>
public sealed class BotRunOptions
{
    public const string SectionName = "BotRuns";

    /// <summary>Triggers waiting for a run on this node; more are dropped (and counted).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Replies in progress at once in one room, across the cluster as this node sees it.</summary>
    [Range(1, 100)]
    public int MaxRepliesPerRoom { get; set; } = 2;

    /// <summary>Replies in progress at once on this node.</summary>
    [Range(1, 10_000)]
    public int MaxRepliesPerNode { get; set; } = 200;

    /// <summary>How often a reply in progress is stored.</summary>
    [Range(0.05, 60)]
    public double SaveEverySeconds { get; set; } = 1;

    /// <summary>Deltas of one reply are sent at most this often; text arriving meanwhile is joined.</summary>
    [Range(0, 10_000)]
    public int DeltaIntervalMilliseconds { get; set; } = 50;

    /// <summary>A reply not stored for this long belongs to a node that died: the sweeper ends it with an error.</summary>
    [Range(2, 3600)]
    public int OrphanAfterSeconds { get; set; } = 30;

    /// <summary>How often each node looks for orphaned replies.</summary>
    [Range(1, 3600)]
    public int SweepSeconds { get; set; } = 10;

    public TimeSpan SaveEvery => TimeSpan.FromSeconds(SaveEverySeconds);

    public TimeSpan DeltaInterval => TimeSpan.FromMilliseconds(DeltaIntervalMilliseconds);

    public TimeSpan OrphanAfter => TimeSpan.FromSeconds(OrphanAfterSeconds);

    public TimeSpan SweepEvery => TimeSpan.FromSeconds(SweepSeconds);
}
