using System.ComponentModel.DataAnnotations;

namespace Chat.Data.Resilience;

/// <summary>
/// How <see cref="DatabasePipeline"/> treats database faults: how often a call is tried again,
/// how long it may take in all, and when the circuit breaker stops calling a database that is down.
/// </summary>
public sealed class DatabaseResilienceOptions
{
    public const string SectionName = "Database:Resilience";

    /// <summary>
    /// Tries after the first one. Two are enough after a restart: the first failure clears the
    /// pools, so the second try already gets a fresh connection.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>The wait before the first retry; it doubles for each one after, with jitter.</summary>
    [Range(0, 5_000)]
    public int RetryDelayMilliseconds { get; set; } = 50;

    /// <summary>
    /// The longest a call may take with its retries (waiting for a pooled connection included);
    /// past it the call fails with <c>unavailable</c>. Cancelling a statement on a server that
    /// does not answer can take Npgsql's cancellation timeout (2 s) more: 3 s keeps the worst
    /// case within 5 s.
    /// </summary>
    [Range(100, 60_000)]
    public int TimeoutMilliseconds { get; set; } = 3_000;

    /// <summary>The share of calls failing with an outage, over <see cref="SamplingSeconds"/>, that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls in a sampling window before the circuit may open: a quiet node does not break on one failure.</summary>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The window the failure ratio is measured over.</summary>
    [Range(1, 3_600)]
    public int SamplingSeconds { get; set; } = 10;

    /// <summary>How long an open circuit fails calls at once before one call may try the database again.</summary>
    [Range(1, 3_600)]
    public int BreakSeconds { get; set; } = 5;
}
