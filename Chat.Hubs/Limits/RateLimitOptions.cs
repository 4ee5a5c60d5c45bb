using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Limits;

/// <summary>Abuse limits of one user; the defaults are the contract's.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>How many messages a user may send in a burst: the size of the token bucket.</summary>
    [Range(1, 10_000)]
    public int MessagesPerWindow { get; set; } = 30;

    /// <summary>
    /// How long an empty bucket takes to fill again. Tokens come back evenly over this time, so a
    /// user who keeps sending settles at <see cref="MessagesPerWindow"/> per window.
    /// </summary>
    [Range(100, 3_600_000)]
    public int WindowMilliseconds { get; set; } = 10_000;

    /// <summary>How many hub connections one user may hold at once.</summary>
    [Range(1, 1000)]
    public int ConnectionsPerUser { get; set; } = 10;
}
